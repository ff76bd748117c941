import gc
import threading

from app.domain.runtime import paused_gc


def test_collector_pauses_for_nested_and_concurrent_jobs_and_resumes_after_the_last() -> None:
    assert gc.isenabled()
    started, release = threading.Event(), threading.Event()

    def other_job() -> None:
        with paused_gc():
            started.set()
            release.wait(5)

    with paused_gc():
        assert not gc.isenabled()
        worker = threading.Thread(target=other_job)
        worker.start()
        started.wait(5)
    assert not gc.isenabled(), "another job still runs"
    release.set()
    worker.join(5)
    assert gc.isenabled()


def test_collector_left_off_stays_off() -> None:
    gc.disable()
    try:
        with paused_gc():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
