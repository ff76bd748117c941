"""Benchmark: check-ins per second on PostgreSQL, ``POST /api/v1/visits/{visit_id}/check-in`` under wrk.

Set-up (not measured), in a fresh schema dropped afterwards: migrations and reference data, N demo enterprises
(with positions) and the demo inspectors, the 2026 plan, one inspector with an account and a long-lived token,
and V planned visits of today (Beijing) with that inspector leading the team, each checked in once. The
enterprise codes come from the service itself (``enterprise_code``). One line per request goes to a data file
that bench/checkin.lua reads: visit id, JSON body (code and the enterprise's own position), idempotency key.

Then the real app is served by uvicorn on a free port (the same environment as the set-up, no background jobs),
warmed up for a moment on lines of its own and driven by wrk for the duration; the same again for the baseline
(bench/checkin_baseline.py: FastAPI + one asyncpg INSERT). Prints requests/s, p50/p99, the ratio service/baseline
(target ≥ 0.5×) and whether p99 < 100 ms. Any answer other than 201 fails the run (exit code 1).

    .venv/bin/python -m bench.checkin --duration 10 --connections 50 --threads 2 --workers 1 --visits 30000
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import sqlalchemy as sa

from app.adapters.db.repositories.audit import Actor
from app.cli import PLAN_DOCUMENT
from app.deps import Container
from app.domain.auth.model import Role, User, system_principal
from app.domain.directories.demo import generate_enterprises, generate_inspectors
from app.domain.directories.model import InspectorStatus
from app.domain.directories.snapshots import prepare_enterprise
from app.domain.onsite.checkin import CST, enterprise_code
from app.domain.plans.seed import parse_plan_document
from app.domain.plans.service import load_seed
from app.domain.scheduling.model import Visit, VisitStatus
from bench.checkin_baseline import TABLE_DDL
from bench.common import BENCH_PASSWORD, PG_URL, fresh_container, signed_in

ROOT = Path(__file__).resolve().parent.parent
LUA = Path(__file__).resolve().parent / "checkin.lua"
TOKEN_MINUTES = 120
POOL_SIZE = 10  # the service's DATABASE__POOL_SIZE; SQLAlchemy adds as many overflow connections
CODE_CONCURRENCY = 8
SETTLE_SECONDS = 2.0


@dataclass
class Prepared:
    token: str
    schema: str
    enterprises: int
    visits: int
    baseline_table: str


@dataclass
class WrkResult:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    created: int
    non201: int
    exhausted: int
    socket_errors: dict[str, int]
    statuses: dict[int, int] = field(default_factory=dict)
    sample: str = ""

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def failed(self) -> bool:
        return bool(self.non201 or self.exhausted or any(self.socket_errors.values()))


# -- wrk ---------------------------------------------------------------------------------------------------------

def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0:
        sys.exit("未找到 wrk，请先安装（Debian/Ubuntu：sudo apt-get install -y wrk）/ "
                 "wrk not found: install it first (Debian/Ubuntu: sudo apt-get install -y wrk)")
    print("安装 wrk / installing wrk: apt-get install -y wrk", flush=True)
    quiet = {"stdout": subprocess.DEVNULL, "env": {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}}
    if subprocess.run(["apt-get", "install", "-y", "wrk"], check=False, **quiet).returncode != 0:  # noqa: S607
        subprocess.run(["apt-get", "update"], check=False, **quiet)  # noqa: S607
        subprocess.run(["apt-get", "install", "-y", "wrk"], check=False, **quiet)  # noqa: S607
    found = shutil.which("wrk")
    if not found:
        sys.exit("wrk 安装失败，请手动安装（apt-get install -y wrk）/ installing wrk failed: apt-get install -y wrk")
    return found


def run_wrk(wrk: str, url: str, data: Path, lines: range, *, seconds: float, connections: int, threads: int,
            token: str, wrap: bool) -> WrkResult:
    command = [wrk, "-t", str(threads), "-c", str(connections), "-d", f"{seconds:g}s", "--timeout", "5s",
               "-s", str(LUA), url, "--", str(data), str(lines.start), str(lines.stop), str(threads),
               *(["wrap"] if wrap else [])]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=False,  # noqa: S603
                          env={**os.environ, "BENCH_TOKEN": token})
    if done.returncode != 0 or "BENCH " not in done.stdout:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    return parse_wrk(done.stdout)


def parse_wrk(output: str) -> WrkResult:
    values: dict[str, float] = {}
    statuses: dict[int, int] = {}
    sample = ""
    for line in output.splitlines():
        if line.startswith("BENCH "):
            values = {k: float(v) for k, v in re.findall(r"(\w+)=([\d.]+)", line)}
        elif line.startswith("BENCH_STATUS "):
            _, status, count = line.split()
            statuses[int(status)] = int(count)
        elif line.startswith("BENCH_SAMPLE "):
            sample = line.removeprefix("BENCH_SAMPLE ")
    return WrkResult(
        requests=int(values["requests"]), seconds=values["duration_us"] / 1e6, p50_ms=values["p50_us"] / 1000,
        p99_ms=values["p99_us"] / 1000, created=int(values["created"]), non201=int(values["non201"]),
        exhausted=int(values["exhausted"]),
        socket_errors={k: int(values[k]) for k in ("connect", "read", "write", "timeout")},
        statuses=dict(sorted(statuses.items())), sample=sample)


# -- servers -----------------------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def served(factory: str, env: dict[str, str], workers: int) -> Iterator[str]:
    """``uvicorn <factory> --factory`` on a free port until /healthz answers; terminated on leaving."""
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 - our own modules, fixed arguments
        [sys.executable, "-m", "uvicorn", factory, "--factory", "--host", "127.0.0.1", "--port", str(port),
         "--workers", str(workers), "--log-level", "warning", "--no-access-log"],
        cwd=ROOT, env={**os.environ, **env})
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{factory} exited with {process.returncode} before answering /healthz")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"{factory} did not answer /healthz within 60 s")
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


# -- set-up ------------------------------------------------------------------------------------------------------

async def prepare(container: Container, *, enterprises: int, visits: int, data: Path) -> Prepared:
    def uow():  # type: ignore[no-untyped-def]
        return container.uow(Actor("bench", "system", None))

    today = datetime.now(CST).date()
    generated = list(generate_enterprises(enterprises))
    async with uow() as u:
        await u.enterprises.bulk_write([prepare_enterprise(e) for e in generated], [], changed_by="bench", at=u.now)
        inspectors = generate_inspectors(today=today, per_unit=10)
        for inspector in inspectors:
            inspector.cert_expiry = today + timedelta(days=730)
            await u.inspectors.add(inspector)
        await u.commit()
    plans = parse_plan_document(PLAN_DOCUMENT.read_text(encoding="utf-8"))
    await load_seed(uow(), plans)
    task = plans[0].tasks[0]
    unit = task.lead_department
    team = [i.person_id for i in inspectors if i.department_code == unit and i.status is InspectorStatus.ON_DUTY][:2]
    if len(team) < 2:
        raise RuntimeError(f"fewer than two inspectors on duty in {unit}")

    async with uow() as u:
        password = await container.hasher.hash(BENCH_PASSWORD)
        await u.users.add(User(None, "bench-inspector", "基准测试检查员", Role.INSPECTOR, unit, password,
                               person_id=team[0]))
        stored = await u.enterprises.current([e.uscc for e in generated])
        await u.commit()
    token = await signed_in(container, "bench-inspector", minutes=TOKEN_MINUTES)
    placed = [e for e in stored.values() if e.longitude is not None and e.latitude is not None]
    if not placed:
        raise RuntimeError("no enterprise has a recorded position")

    codes = await enterprise_codes(container, [e.uscc for e in placed])
    rows: list[Visit] = []
    async with uow() as u:
        for n in range(visits):
            e = placed[n % len(placed)]
            rows.append(Visit(None, e.uscc, e.name, e.county_code, today, today - timedelta(days=30),
                              today + timedelta(days=30), VisitStatus.PLANNED, (team[0], team[1]),
                              task.items.get(unit, ()), (), unit, created_by="bench"))
        for start in range(0, len(rows), 5_000):
            await u.visits.add_many(rows[start:start + 5_000])
        await u.commit()
    # Lines in random order: consecutive requests do not hit the same enterprise.
    order = list(range(len(rows)))
    random.shuffle(order)
    with data.open("w", encoding="utf-8") as out:
        for n in order:
            visit, e = rows[n], placed[n % len(placed)]
            body = {"code": codes[e.uscc], "position": {"longitude": e.longitude, "latitude": e.latitude}}
            out.write(f"{visit.id}\t{json.dumps(body, separators=(',', ':'))}\t{uuid.uuid4().hex}\n")

    schema = container.settings.database.schema_name or ""
    table = f'"{schema}".baseline_check_in'
    async with container.db.engine.begin() as connection:
        await connection.execute(sa.text(TABLE_DDL.format(table=table)))
    # Statistics, as autovacuum keeps them on a running database: without them the planner, blind to 30,000 fresh
    # rows, may walk an index of the visits' status instead of the primary key.
    async with container.db.autocommit.connect() as connection:
        await connection.execute(sa.text("ANALYZE"))
    return Prepared(token, schema, len(placed), len(rows), table)


async def enterprise_codes(container: Container, usccs: list[str]) -> dict[str, str]:
    """Each enterprise's printed code, as the service issues it (the first call makes the signing key)."""
    who = system_principal("bench")
    gate = asyncio.Semaphore(CODE_CONCURRENCY)

    async def one(uscc: str) -> tuple[str, str]:
        async with gate:
            text, _generation = await enterprise_code(container.uow(Actor("bench", "system", None)), who,
                                                      container.keys, uscc)
        return uscc, text

    first = await one(usccs[0])
    return dict([first, *await asyncio.gather(*(one(u) for u in usccs[1:]))])


async def count_rows(container: Container, table: str) -> int:
    async with container.db.engine.connect() as connection:
        return int((await connection.execute(sa.text(f"SELECT count(*) FROM {table}"))).scalar_one())


# -- the run -----------------------------------------------------------------------------------------------------

def ms(value: float) -> str:
    return f"{value:.0f}" if value >= 10 else f"{value:.1f}"


def describe(name: str, result: WrkResult) -> str:
    errors = ", ".join(f"{k} {v}" for k, v in result.socket_errors.items() if v)
    statuses = ", ".join(f"{k}: {v:,}" for k, v in result.statuses.items())
    line = (f"  [{name}] {result.requests:,} 次请求 / requests in {result.seconds:.1f} s = {result.rate:,.0f}/s; "
            f"p50 {ms(result.p50_ms)} ms, p99 {ms(result.p99_ms)} ms; 状态 / statuses {{{statuses}}}")
    if errors:
        line += f"; 套接字错误 / socket errors: {errors}"
    if result.exhausted:
        line += f"; 数据用尽 / data ran out ({result.exhausted} 次 / times): 请加大 --visits / raise --visits"
    if result.sample:
        line += f"\n    首个非 201 应答 / first non-201 answer: {result.sample}"
    return line


def flush() -> None:
    """Everything written so far goes to disk (a checkpoint, then the kernel's page cache): each measured run starts
    clean instead of paying for the writes of the set-up or of the run before it."""
    done = subprocess.run(["psql", PG_URL.replace("+asyncpg", ""), "-qAtc", "CHECKPOINT"],  # noqa: S603, S607
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        print(f"  CHECKPOINT 未执行 / not run: {done.stderr.strip()[:200]}", flush=True)
    os.sync()


def measure(wrk: str, url: str, data: Path, warm: range, measured: range, args: argparse.Namespace, token: str,
            *, wrap: bool = False) -> tuple[WrkResult, WrkResult]:
    """Warm-up, a pause for the requests still in flight when wrk stopped, then the measured run."""
    options = {"connections": args.connections, "threads": args.threads, "token": token, "wrap": wrap}
    warm_up = run_wrk(wrk, url, data, warm, seconds=args.warmup, **options)
    time.sleep(SETTLE_SECONDS)
    flush()
    return warm_up, run_wrk(wrk, url, data, measured, seconds=args.duration, **options)


async def run(args: argparse.Namespace) -> int:
    wrk = ensure_wrk()
    secret = secrets.token_urlsafe(48)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-checkin-") as tmp:
        data = Path(tmp) / "checkins.tsv"
        async with fresh_container("postgresql", environment="development",
                                   auth={"jwt_secret": secret, "access_token_minutes": TOKEN_MINUTES}) as container:
            prepared = await prepare(container, enterprises=args.enterprises, visits=args.visits, data=data)
            setup_seconds = time.perf_counter() - started
            print(f"准备 / set-up: {prepared.enterprises:,} 家有定位的企业 / enterprises with a position, "
                  f"{prepared.visits:,} 条检查安排 / visits, 1 名检查员账号 / inspector account, 企业码 / codes; "
                  f"{setup_seconds:.1f} s（不计入测量 / not measured）", flush=True)
            warm_lines = round(prepared.visits * args.warmup / (args.warmup + args.duration))
            warm, measured = range(warm_lines), range(warm_lines, prepared.visits)
            service_env = {
                "DATABASE__URL": PG_URL, "DATABASE__SCHEMA_NAME": prepared.schema,
                "DATABASE__POOL_SIZE": str(POOL_SIZE), "ENVIRONMENT": "development", "LOG_LEVEL": "WARNING",
                "PROVINCIAL__SYNC_INTERVAL_SECONDS": "0", "PROVINCIAL__RELAY_INTERVAL_SECONDS": "0",
                "PROVINCIAL__RECONCILE_INTERVAL_HOURS": "0", "PROVINCIAL__SYNC_ON_START": "false",
                "PROVINCIAL__SIMULATOR_ENTERPRISES": "0", "DEMO__LOAD_ON_START": "false",
                "AUTH__JWT_SECRET": secret, "AUTH__ACCESS_TOKEN_MINUTES": str(TOKEN_MINUTES),
                # One inspector account makes every request: the per-account limit would measure itself.
                "LIMITS__RATE_CHECKIN_PER_MINUTE": "100000000",
            }
            with served("app.main:create_app", service_env, args.workers) as url:
                service_warm, service = measure(wrk, url, data, warm, measured, args, prepared.token)
            baseline_env = {"BASELINE_DSN": PG_URL.replace("+asyncpg", ""), "BASELINE_TABLE": prepared.baseline_table,
                            "BASELINE_POOL_SIZE": str(2 * POOL_SIZE)}
            with served("bench.checkin_baseline:create_app", baseline_env, args.workers) as url:
                baseline_warm, baseline = measure(wrk, url, data, warm, measured, args, prepared.token, wrap=True)
            stored = await count_rows(container, f'"{prepared.schema}".check_in')
            stored_baseline = await count_rows(container, prepared.baseline_table)

    ratio = service.rate / baseline.rate if baseline.rate else 0.0
    fast = service.p99_ms < 100
    print(f"  预热 / warm-up {args.warmup:g} s each: 签到 / check-in {service_warm.rate:,.0f}/s, "
          f"基线 / baseline {baseline_warm.rate:,.0f}/s; workers {args.workers}, -c {args.connections} "
          f"-t {args.threads}")
    print(describe("签到 check-in", service))
    print(describe("基线 baseline", baseline))
    # Requests in flight when wrk stops (at most one a connection, twice: warm-up and measured) are still served.
    service_created = service_warm.created + service.created
    in_flight = stored - service_created
    stored_ok = 0 <= in_flight <= 2 * args.connections
    print(f"  数据库核对 / database check: check_in 表 {stored:,} 行 = 201 应答 {service_created:,} 次 + wrk 停止时"
          f"在途 {in_flight:,} 次 / rows = 201 answers + in flight when wrk stopped (≤ {2 * args.connections}): "
          f"{'一致 / consistent' if stored_ok else '不一致 / INCONSISTENT'}; 基线表 / baseline table "
          f"{stored_baseline:,} 行 / rows ({baseline_warm.created + baseline.created:,} × 201)")
    print(f"签到：{service.rate:,.0f} 次/秒，p50 {ms(service.p50_ms)} ms，p99 {ms(service.p99_ms)} ms；"
          f"基线 {baseline.rate:,.0f} 次/秒；比值 {ratio:.2f}×（目标 ≥ 0.5×）；p99 < 100 ms：{'是' if fast else '否'}")
    print(f"Check-in: {service.rate:,.0f} req/s, p50 {ms(service.p50_ms)} ms, p99 {ms(service.p99_ms)} ms; "
          f"baseline {baseline.rate:,.0f} req/s (p50 {ms(baseline.p50_ms)} ms, p99 {ms(baseline.p99_ms)} ms); "
          f"ratio {ratio:.2f}× (target ≥ 0.5×: {'met' if ratio >= 0.5 else 'NOT met'}); "
          f"p99 < 100 ms: {'yes' if fast else 'NO'}")
    non201 = service_warm.non201 + service.non201 + baseline_warm.non201 + baseline.non201
    runs = (service_warm, service, baseline_warm, baseline)
    failed = any(r.failed for r in runs) or not stored_ok
    print(f"非 201 应答：{non201:,} 次 / non-201 answers: {non201:,}"
          + ("；运行失败 / the run FAILED" if failed else "；全部为 201 / all 201"))
    return 1 if failed else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--duration", type=float, default=10, help="measured seconds per server (wrk -d)")
    parser.add_argument("--warmup", type=float, default=2, help="warm-up seconds per server before measuring")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=1, help="uvicorn workers, for the service and the baseline")
    parser.add_argument("--visits", type=int, default=30_000, help="visits created (one check-in each)")
    parser.add_argument("--enterprises", type=int, default=3_000)
    args = parser.parse_args()
    sys.exit(asyncio.run(run(args)))


if __name__ == "__main__":
    main()
