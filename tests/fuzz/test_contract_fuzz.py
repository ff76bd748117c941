"""Contract fuzzing: schemathesis generates requests from the committed openapi.yaml and sends them to the real app
(in process, real database, a signed-in supervisor whose second factor is satisfied); every response must match the
contract (status declared, media type, headers, body schema), invalid input must be refused, authentication must be
enforced, and nothing may be a server error.

Two runs: each operation alone (valid and invalid requests), then sequences of operations along the links
schemathesis infers from the contract (stateful: what one call creates, the next reads, changes or deletes).
Bounded for the suite: derandomized, a few examples per operation and mode, shrinking off; ``FUZZ_EXAMPLES`` raises
the number of examples (and scenarios) for a longer run. Each run prints its figures.
"""

from __future__ import annotations

import os
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis.errors import FlakyStrategyDefinition, Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.core.failures import FailureGroup
from schemathesis.python import asgi as schemathesis_asgi
from schemathesis.specs.openapi.checks import positive_data_acceptance

from app.adapters.db.repositories.audit import Actor
from app.deps import Container
from app.domain.auth.model import Role, User
from app.main import create_app
from app.settings import Settings

CONTRACT = Path(__file__).resolve().parents[2] / "openapi.yaml"
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "3"))
#: Replaced by "schema-valid requests are not refused by request validation" below: business rules legitimately
#: refuse requests the contract allows (422 with their own code: a year without calendar data, an inverted range).
EXCLUDED_CHECKS = [positive_data_acceptance]
#: Request validation the contract cannot express: cross-field rules and PATCH's "omit, never null"
#: (``value_error``), and lengths counted after surrounding whitespace is stripped (``string_too_short``).
NOT_IN_THE_CONTRACT = frozenset({"validation.value_error", "validation.string_too_short"})


@dataclass
class Tally:
    operations: int = 0
    examples: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    failures: dict[str, list[str]] = field(default_factory=dict)
    unsatisfiable: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)
    kind: str = "operations"

    def fail(self, operation: str, text: str) -> None:
        texts = self.failures.setdefault(operation, [])
        if text not in texts:
            texts.append(text)

    def check(self, case: schemathesis.Case, response: schemathesis.Response, headers: dict[str, str],
              mode: GenerationMode, **transport: Any) -> None:
        label = f"{case.operation.method.upper()} {case.operation.path}"
        self.examples += 1
        self.statuses[response.status_code] += 1
        try:
            case.validate_response(response, headers=headers, excluded_checks=EXCLUDED_CHECKS,
                                   transport_kwargs={"headers": headers, **transport})
        except FailureGroup as group:
            self.fail(label, f"{mode.value}: {group}")
        if mode is GenerationMode.POSITIVE and _refused_by_request_validation(response):
            self.fail(label, f"{mode.value}: schema-valid request refused by request validation: {response.text}\n"
                             f"{case.as_curl_command()}")

    def report(self, kind: str, capsys: pytest.CaptureFixture[str]) -> None:
        distinct = sum(len(texts) for texts in self.failures.values())
        summary = (f"schemathesis {kind}: {self.operations} operations, {self.examples} requests checked, "
                   f"{distinct} distinct failures in {len(self.failures)} operations, "
                   f"{self.statuses.get(500, 0)} server errors, {time.monotonic() - self.started:.0f} s; "
                   f"statuses {dict(sorted(self.statuses.items()))}")
        if self.unsatisfiable:  # e.g. nothing to make invalid in an operation without parameters
            summary += f"; {len(self.unsatisfiable)} operation-modes without a possible request"
        with capsys.disabled():
            print("\n" + summary)
        details = "\n\n".join(f"== {op}\n" + "\n---\n".join(texts) for op, texts in sorted(self.failures.items()))
        assert not self.failures, summary + "\n\n" + details


def _refused_by_request_validation(response: schemathesis.Response) -> bool:
    """Business rules may refuse what the contract allows (422 with their own code); the app's request validation
    must not, apart from what JSON Schema cannot say: that would mean the contract is looser than the app."""
    if response.status_code not in (400, 422) \
            or not (response.headers.get("content-type") or [""])[0].startswith("application/problem+json"):
        return False
    body = response.json()
    if body.get("code") not in ("request.validation_failed", "request.malformed_json"):
        return False
    return any(error.get("code") not in NOT_IN_THE_CONTRACT for error in body.get("errors") or [{}])


def _settings(**overrides: Any) -> hypothesis.settings:
    return hypothesis.settings(derandomize=True, deadline=None, database=None, print_blob=False,
                               phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck),
                               **overrides)


@pytest.fixture
def fuzz_settings(settings: Settings) -> Settings:
    """Rate limits out of the way (thousands of requests a minute from one account), second factor enforced."""
    limits = settings.limits.model_copy(update={
        "rate_login_per_minute": 100_000, "rate_checkin_per_minute": 100_000,
        "rate_public_per_minute": 100_000, "rate_export_per_minute": 100_000})
    auth = settings.auth.model_copy(update={"require_second_factor": True})
    return settings.model_copy(update={"limits": limits, "auth": auth})


@pytest.fixture
async def supervisor_headers(container: Container) -> dict[str, str]:
    """A supervisor of 执法监督科 whose token records a passed second factor (``mfa``)."""
    name = f"fuzz-supervisor-{uuid.uuid4().hex[:6]}"
    async with container.uow(Actor("fixture", "system", None)) as uow:
        user = await uow.users.add(User(None, name, name, Role.SUPERVISOR, "ZJK", await container.hasher.hash("x" * 12)))
        await uow.commit()
    token = container.tokens.issue({"sub": str(user.id), "role": "supervisor", "dept": "ZJK", "mfa": True},
                                   minutes=60)
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def contract(fuzz_settings: Settings, supervisor_headers: dict[str, str]) -> Iterator[schemathesis.BaseSchema]:
    """The committed contract bound to a fresh app. The app's container is built here and used only on
    schemathesis' event loop (database connections belong to the loop that opened them); the test's own database
    (SQLite, or PostgreSQL with TEST_DATABASE_URL) and the reference data come from the ``container`` fixture."""
    app = create_app(fuzz_settings, container=Container.build(fuzz_settings))
    schema = schemathesis.openapi.from_path(CONTRACT)
    schema.app = app
    # The credential is the supervisor's token, sent with every request; generated X-API-Key or Authorization
    # headers would only ever be refused (401).
    schema.config.generation.update(with_security_parameters=False)
    try:
        yield schema
    finally:
        schemathesis_asgi.shutdown_lifespans()


def test_every_operation_keeps_the_contract(contract: schemathesis.BaseSchema, supervisor_headers: dict[str, str],
                                            capsys: pytest.CaptureFixture[str]) -> None:
    tally = Tally()
    for result in contract.get_all_operations():
        operation = result.ok()
        tally.operations += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _fuzz(operation, mode, supervisor_headers, tally)
    tally.report(tally.kind, capsys)


def _fuzz(operation: schemathesis.APIOperation, mode: GenerationMode, headers: dict[str, str], tally: Tally) -> None:
    @_settings(max_examples=EXAMPLES)
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: schemathesis.Case) -> None:
        try:
            response = case.call(headers=headers)
        except Exception as exc:  # the app raised through the transport: a server error
            tally.statuses[500] += 1
            tally.fail(f"{operation.method.upper()} {operation.path}", f"{mode.value}: {type(exc).__name__}: {exc}")
            return
        tally.check(case, response, headers, mode)

    try:
        run()
    except Unsatisfiable:  # no request of this mode exists (nothing in the operation can be made invalid)
        tally.unsatisfiable.append(f"{mode.value} {operation.method.upper()} {operation.path}")


def test_sequences_of_operations_keep_the_contract(contract: schemathesis.BaseSchema,
                                                   supervisor_headers: dict[str, str],
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    tally = Tally()
    tally.operations = sum(1 for _ in contract.get_all_operations())
    machine = contract.as_state_machine()

    class Scenarios(machine):  # type: ignore[valid-type, misc]
        def get_call_kwargs(self, case: schemathesis.Case) -> dict[str, Any]:
            return {"headers": supervisor_headers}

        def call(self, case: schemathesis.Case, **kwargs: Any) -> schemathesis.Response:
            try:
                return case.call(**kwargs)
            except Exception as exc:  # the app raised through the transport: a server error
                tally.statuses[500] += 1
                tally.fail(f"{case.operation.method.upper()} {case.operation.path}",
                           f"stateful: {type(exc).__name__}: {exc}")
                raise

        def validate_response(self, response: schemathesis.Response, case: schemathesis.Case,
                              additional_checks: Any = None, **kwargs: Any) -> None:
            mode = case.meta.generation.mode if case.meta is not None else GenerationMode.POSITIVE
            tally.check(case, response, supervisor_headers, mode)

    # A scenario's steps depend on what the database holds, which outlives the scenario; when Hypothesis notices
    # that a replayed prefix now takes another turn it stops the run (FlakyStrategyDefinition). What ran until
    # then was checked; further passes, each with a fresh Hypothesis run, go on over the grown data.
    passes = 0
    while tally.examples < EXAMPLES * 60 and passes < 10:
        passes += 1
        try:
            Scenarios.run(settings=_settings(max_examples=EXAMPLES * 10, stateful_step_count=8))
        except FlakyStrategyDefinition:
            pass
        except Exception:
            if not tally.failures:
                raise
            break
    tally.kind = f"stateful ({passes} passes)"
    tally.report(tally.kind, capsys)
