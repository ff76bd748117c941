"""Load and faults: a realistic request mix under wrk against uvicorn and PostgreSQL, with the provincial platform
down, with PostgreSQL restarted under load, and with two service processes.

Set-up (not measured), in a fresh PostgreSQL schema dropped afterwards, through the service's own code (as
bench/checkin.py): reference data, N demo enterprises and the demo inspectors, the 2026 plan, an inspector account
with planned visits of today (one check-in each, enterprise codes issued by the service), department accounts of
the six 执法 units with a quarterly quota (for draws), long-lived tokens. The provincial platform is the simulator
(``simulator.app``) in its own uvicorn process; the service's outbox relay pushes to it every second.

The mix is one wrk process per request class, all running at once, each with its own connections (a closed loop:
a class's share of the requests follows from its connections and its latency, and the request counts per class are
printed). One wrk per class gives each class its own latency histogram, so p50/p95/p99 are per endpoint and measured
by the client; wrk's Lua cannot time single requests. Classes: check-ins (each visit once), findings (PUT, the
visits checked in during set-up), public result searches, enterprise list, enterprise detail, and whole draws
(prepare → seed → execute, one connection, so sequential; each execute queues a draw report in the outbox).

Phases (each bounded by --duration; the whole run takes a few minutes):

1. 基准 baseline: one uvicorn process (1 worker). Any answer other than the expected 2xx fails the run; the service
   log is scanned for pool timeouts (TimeoutError, QueuePool).
2. 省平台故障 platform down: every simulator call answers 503; latency per class vs phase 1 (target within 10 %),
   the outbox grows, then drains after recovery: created = delivered, none dead, none applied twice.
3. 数据库重启 PostgreSQL restarted under load: /readyz polled during the outage (503 expected), the service is not
   restarted, and a run after recovery has no errors.
4. 横向扩展 scale-out: two uvicorn processes (2 workers each), the mix against both at once; idempotency, rate limits
   and visit-code replay shared; scheduled jobs once per occurrence; the outbox delivered once.

    .venv/bin/python -m bench.load --duration 10
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import resource
import secrets
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import httpx
import sqlalchemy as sa

from app.adapters.db.engine import Database
from app.adapters.db.migrations import upgrade_async
from app.adapters.db.repositories.audit import Actor
from app.cli import PLAN_DOCUMENT
from app.deps import Container
from app.domain.auth.model import Role, User, system_principal
from app.domain.directories.seeding import ensure_reference_data
from app.domain.onsite.checkin import CST
from app.domain.plans.model import QuarterQuota
from app.domain.plans.seed import parse_plan_document
from app.domain.plans.service import set_quota
from app.settings import Settings
from bench.checkin import ensure_wrk, free_port
from bench.checkin import prepare as prepare_checkins
from bench.common import BENCH_PASSWORD, PG_URL, signed_in

ROOT = Path(__file__).resolve().parent.parent
LUA = Path(__file__).resolve().parent / "load.lua"
LUA_DRAW = Path(__file__).resolve().parent / "load_draw.lua"
TOKEN_MINUTES = 240
DRAW_UNITS = 6  # the first task of each of the plans 2026001–2026006 (ZF1, ZF2, ZF3, MTK, BGS, RSK)
LOGIN_LIMIT = 4  # LIMITS__RATE_LOGIN_PER_MINUTE in phase 4: the shared-counter check
STARTUP_SECONDS = 240  # a fresh uvicorn (imports, migrations check, workers) on a busy machine
SETTLE_SECONDS = 3.0  # after a warm-up: requests still in flight when wrk stopped are served meanwhile
POOL_ERRORS = re.compile(r"TimeoutError|QueuePool")
PG_CLUSTER = ["pg_ctlcluster", "--skip-systemctl-redirect", "15", "main"]


# -- wrk ---------------------------------------------------------------------------------------------------------

@dataclass
class ClassSpec:
    key: str
    label: str
    data: Path
    mode: str  # once | wrap | draw
    expected: str = "200"


@dataclass
class Result:
    label: str
    requests: int = 0
    seconds: float = 0.0
    p50: float = 0.0
    p95: float = 0.0
    p99: float = 0.0
    mean: float = 0.0
    ok: int = 0
    other: int = 0
    exhausted: int = 0
    draws: int = 0
    resumed: int = 0
    #: Draw prepares answered 409 draw.frame_empty: the task's frame is spent for the quarter (not an error).
    spent: int = 0
    socket: dict[str, int] = field(default_factory=dict)
    statuses: dict[int, int] = field(default_factory=dict)
    sample: str = ""

    @property
    def errors(self) -> int:
        return self.other + sum(self.socket.values()) + self.exhausted

    def merge(self, other: Result) -> Result:
        """Two runs of one class (one per service process): counts add up, latencies are request-weighted."""
        n = self.requests + other.requests or 1

        def w(a: float, b: float) -> float:
            return (a * self.requests + b * other.requests) / n

        return Result(self.label, self.requests + other.requests, max(self.seconds, other.seconds),
                      w(self.p50, other.p50), w(self.p95, other.p95), max(self.p99, other.p99),
                      w(self.mean, other.mean), self.ok + other.ok, self.other + other.other,
                      self.exhausted + other.exhausted, self.draws + other.draws, self.resumed + other.resumed,
                      self.spent + other.spent,
                      {k: self.socket.get(k, 0) + other.socket.get(k, 0) for k in {*self.socket, *other.socket}},
                      {k: self.statuses.get(k, 0) + other.statuses.get(k, 0)
                       for k in sorted({*self.statuses, *other.statuses})}, self.sample or other.sample)


def parse(label: str, output: str) -> Result:
    values: dict[str, float] = {}
    result = Result(label)
    for line in output.splitlines():
        if line.startswith("BENCH "):
            values = {k: float(v) for k, v in re.findall(r"(\w+)=([\d.]+)", line)}
        elif line.startswith("BENCH_STATUS "):
            _, status, count = line.split()
            result.statuses[int(status)] = int(count)
        elif line.startswith("BENCH_SAMPLE "):
            result.sample = line.removeprefix("BENCH_SAMPLE ")
    if not values:
        raise RuntimeError(f"wrk printed no figures for {label}: {output[-500:]}")
    result.statuses = dict(sorted(result.statuses.items()))
    result.requests, result.seconds = int(values["requests"]), values["duration_us"] / 1e6
    result.p50, result.p95, result.p99 = values["p50_us"] / 1000, values["p95_us"] / 1000, values["p99_us"] / 1000
    result.mean, result.ok, result.other = values["mean_us"] / 1000, int(values["ok"]), int(values["other"])
    result.exhausted, result.draws = int(values["exhausted"]), int(values.get("draws", 0))
    result.resumed, result.spent = int(values.get("resumed", 0)), int(values.get("spent", 0))
    result.socket = {k: int(values[k]) for k in ("connect", "read", "write", "timeout")}
    return result


@dataclass
class Job:
    spec: ClassSpec
    url: str
    connections: int
    lines: range | None  # "once" and "wrap" classes: the data lines this run uses


class LineBudget:
    """Hands out fresh check-in lines (each visit is checked in once in the whole run)."""

    def __init__(self, first: int, total: int, per_second: int) -> None:
        self.next, self.total, self.per_second = first, total, per_second

    def take(self, seconds: float) -> range:
        size = int(self.per_second * seconds) + 10
        if self.next + size > self.total:
            raise RuntimeError("check-in lines ran out: raise --checkins-per-second")
        taken = range(self.next, self.next + size)
        self.next += size
        return taken

    def one(self) -> int:
        self.next += 1
        if self.next > self.total:
            raise RuntimeError("check-in lines ran out")
        return self.next - 1


def run_mix(wrk: str, jobs: list[Job], seconds: float, timeout: float = 10.0) -> tuple[dict[str, Result], float]:
    """All classes at once, one wrk each; returns the results per class (merged over service processes) and the
    CPU seconds the wrk processes used."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    processes = []
    for job in jobs:
        lua = LUA_DRAW if job.spec.mode == "draw" else LUA
        extra = [str(job.spec.data)] if job.spec.mode == "draw" else [
            str(job.spec.data), str(job.lines.start if job.lines else 0), str(job.lines.stop if job.lines else 0),
            "1", job.spec.mode, job.spec.expected, str(random.randrange(1_000_000))]
        command = [wrk, "-t", "1", "-c", str(job.connections), "-d", f"{seconds:g}s", "--timeout", f"{timeout:g}s",
                   "-s", str(lua), job.url, "--", *extra]
        processes.append((job, subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,  # noqa: S603
                                                encoding="utf-8", errors="replace")))
    results: dict[str, Result] = {}
    for job, process in processes:
        out, err = process.communicate(timeout=seconds + 60)
        if process.returncode != 0:
            raise RuntimeError(f"wrk failed ({process.returncode}) for {job.spec.label}: {err or out}")
        result = parse(job.spec.label, out)
        results[job.spec.key] = results[job.spec.key].merge(result) if job.spec.key in results else result
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return results, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


# -- processes ---------------------------------------------------------------------------------------------------

def cpu_seconds(pid: int) -> float:
    """CPU time of a process and its descendants (uvicorn's workers), from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        times[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        total += times.get(current, 0.0)
        todo.extend(p for p, parent in parents.items() if parent == current)
    return total


class Server:
    """``uvicorn`` on a free port, its output in a log file; started and stopped by the phases."""

    def __init__(self, name: str, target: str, env: dict[str, str], log: Path, *, workers: int = 1,
                 factory: bool = True, health: str = "/healthz") -> None:
        self.name, self.log, self.port = name, log, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "uvicorn", target, *(["--factory"] if factory else []), "--host",
                   "127.0.0.1", "--port", str(self.port), "--workers", str(workers), "--log-level", "warning",
                   "--no-access-log"]
        self._out = log.open("a", encoding="utf-8")
        self.process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env},  # noqa: S603
                                        stdout=self._out, stderr=subprocess.STDOUT)
        self.log_offset = 0
        try:
            self._wait_ready(health)
        except BaseException:
            self.stop()
            raise

    def _wait_ready(self, health: str) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}; see {self.log}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.url}{health}", timeout=1).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.name} did not answer {health} within {STARTUP_SECONDS} s")
            time.sleep(0.1)

    def cpu(self) -> float:
        return cpu_seconds(self.process.pid)

    def new_log(self) -> str:
        """What the server logged since the last call."""
        self._out.flush()
        text = self.log.read_text(encoding="utf-8", errors="replace")
        fresh, self.log_offset = text[self.log_offset:], len(text)
        return fresh

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self._out.close()


# -- set-up ------------------------------------------------------------------------------------------------------

@dataclass
class Prepared:
    schema: str
    inspector_token: str
    checkins: Path
    checkin_lines: int
    findings_visits: list[tuple[int, str]]  # (visit id, check-in line) checked in during set-up
    items: tuple[str, ...]
    findings: Path
    findings_lines: int
    public: Path
    listing: Path
    detail: Path
    draw_tasks: list[str]  # plan_no<TAB>task_no<TAB>token
    draw_file: Path


def write_lines(path: Path, lines: list[str]) -> int:
    path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    return len(lines)


def line(method: str, target: str, token: str = "-", key: str = "-", body: object = None) -> str:  # noqa: S107
    text = "-" if body is None else json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    return f"{method}\t{target}\t{token}\t{key}\t{text}"


async def prepare(container: Container, args: argparse.Namespace, tmp: Path, visits: int) -> Prepared:
    def uow():  # type: ignore[no-untyped-def]
        return container.uow(Actor("bench", "system", None))

    raw = tmp / "checkins-raw.tsv"
    base = await prepare_checkins(container, enterprises=args.enterprises, visits=visits, data=raw)
    token = base.token
    checkin_lines = []
    for row in raw.read_text(encoding="utf-8").splitlines():
        visit_id, body, key = row.split("\t")
        checkin_lines.append(f"POST\t/api/v1/visits/{visit_id}/check-in\t{token}\t{key}\t{body}")
    checkins = tmp / "checkins.tsv"
    write_lines(checkins, checkin_lines)

    plans = parse_plan_document(PLAN_DOCUMENT.read_text(encoding="utf-8"))
    task = plans[0].tasks[0]
    items = tuple(task.items.get(task.lead_department, ()))
    findings_visits = [(int(row.split("\t")[1].split("/")[4]), row) for row in checkin_lines[:args.findings_visits]]
    findings = [line("PUT", f"/api/v1/visits/{visit_id}/findings/{item}", token, "-",
                     {"outcome": "compliant", "note": f"压测 load {n}"})
                for n, (visit_id, _) in enumerate(findings_visits) for item in items]

    today = datetime.now(CST).date()
    draw_tasks = []
    async with uow() as u:
        accounts = []
        for plan in plans[:DRAW_UNITS]:
            unit = plan.tasks[0].lead_department
            password = await container.hasher.hash(BENCH_PASSWORD)
            accounts.append((plan, await u.users.add(User(None, f"bench-{unit.lower()}", f"压测 {unit}", Role.DEPARTMENT,
                                                          unit, password))))
        await u.commit()
    for plan, user in accounts:
        unit = plan.tasks[0].lead_department
        await set_quota(uow(), system_principal("bench"),
                        QuarterQuota(today.year, (today.month - 1) // 3 + 1, unit, args.draw_quota))
        unit_token = await signed_in(container, user.username, minutes=TOKEN_MINUTES)
        draw_tasks.append(f"{plan.plan_no}\t{plan.tasks[0].task_no}\t{unit_token}")

    async with container.db.engine.connect() as connection:
        rows = (await connection.execute(sa.text(
            "SELECT uscc, name, county_code, industry_code FROM enterprise ORDER BY uscc LIMIT 400"))).all()
    public, listing, detail = [], [], []
    for n, (uscc, name, county, industry) in enumerate(rows):
        fragment = name[2:4] if len(name) >= 4 else name
        public.append(line("GET", "/api/v1/public/results?" + urlencode(
            [("q", fragment)] if n % 3 == 0 else [("uscc", uscc)] if n % 3 == 1 else
            [("task_no", task.task_no), ("from", f"{today.year}-01-01"), ("to", f"{today.year}-12-31")])))
        query = [("county", county)] if n % 4 == 0 else [("industry", industry)] if n % 4 == 1 else \
            [("q", fragment)] if n % 4 == 2 else [("credit_class", "A"), ("credit_class", "B")]
        listing.append(line("GET", "/api/v1/enterprises?" + urlencode([*query, ("limit", "50")]), token))
        detail.append(line("GET", f"/api/v1/enterprises/{quote(uscc)}", token))
    prepared = Prepared(base.schema, token, checkins, len(checkin_lines), findings_visits, items,
                        tmp / "findings.tsv", 0, tmp / "public.tsv", tmp / "list.tsv", tmp / "detail.tsv", draw_tasks,
                        tmp / "draw-tasks.tsv")
    prepared.findings_lines = write_lines(prepared.findings, findings)
    write_lines(prepared.draw_file, draw_tasks)
    write_lines(prepared.public, public)
    write_lines(prepared.listing, listing)
    write_lines(prepared.detail, detail)
    return prepared


async def send(client: httpx.AsyncClient, url: str, row: str) -> httpx.Response:
    """One data line, sent with httpx (set-up and warm-up)."""
    method, target, token, key, body = row.split("\t")
    headers = {"Authorization": f"Bearer {token}"} if token != "-" else {}  # noqa: S105
    if key != "-":
        headers["Idempotency-Key"] = key
    if body != "-":
        headers["Content-Type"] = "application/json"
    answer = await client.request(method, f"{url}{target}", content=body.encode() if body != "-" else None,
                                  headers=headers)
    if answer.status_code >= 300:
        raise RuntimeError(f"{method} {target} failed: {answer.status_code} {answer.text[:300]}")
    return answer


async def check_in_for_findings(url: str, prepared: Prepared) -> None:
    """The visits the findings class writes to are checked in first, through the service."""
    gate = asyncio.Semaphore(4)
    async with httpx.AsyncClient(timeout=60) as client:
        async def one(row: str) -> None:
            async with gate:
                await send(client, url, row)

        await asyncio.gather(*(one(row) for _, row in prepared.findings_visits))


# -- the database, the outbox and the simulator ------------------------------------------------------------------

class Probe:
    """Counts in the bench schema, with a connection of its own per call (survives the PostgreSQL restart)."""

    def __init__(self, schema: str) -> None:
        self.schema = schema

    def scalar(self, sql: str) -> Any:
        return self.rows(sql)[0][0]

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        done = subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "test", "-qAtF", "\t", "-c",  # noqa: S603,S607
                               f'SET search_path TO "{self.schema}"; {sql}'], capture_output=True, text=True,
                              check=True, timeout=60)
        return [tuple(r.split("\t")) for r in done.stdout.splitlines() if r and r != "SET"]

    def outbox(self) -> dict[str, int]:
        counts = {status: int(n) for status, n in self.rows("SELECT status, count(*) FROM outbox_message GROUP BY 1")}
        counts["total"] = sum(counts.values())
        return counts


def outbox_text(counts: dict[str, int]) -> str:
    return (f"共 {counts.get('total', 0)} 条 / rows: 待推送 pending {counts.get('pending', 0)}, "
            f"已送达 delivered {counts.get('delivered', 0)}, 死信 dead {counts.get('dead', 0)}")


def drain(probe: Probe, timeout: float) -> tuple[dict[str, int], float]:
    started = time.monotonic()
    while True:
        counts = probe.outbox()
        if not counts.get("pending") or time.monotonic() - started > timeout:
            return counts, time.monotonic() - started
        time.sleep(1)


def platform_check(sim: str, probe: Probe) -> tuple[bool, str]:
    """Nothing lost, nothing applied twice: every delivered push is held once by the platform."""
    held = httpx.get(f"{sim}/_sim/pushes", timeout=30).json()
    delivered = {kind: int(n) for kind, n in probe.rows(
        "SELECT kind, count(*) FROM outbox_message WHERE status = 'delivered' GROUP BY 1")}
    draws, tasks = held.get("draws", []), held.get("tasks", [])
    twice = [d["drawNo"] for d in draws if d["reports"] > 1]
    again = sum(1 for r in held["requests"] if r["received"] > 1)
    ok = (len(draws) == delivered.get("draw_report", 0) and not twice
          and len(tasks) == delivered.get("task_registration", 0))
    text = (f"平台收到 / platform holds: 抽取报送 draws {len(draws)} (发件箱已送达 delivered "
            f"{delivered.get('draw_report', 0)}), 任务登记 tasks {len(tasks)} (已送达 "
            f"{delivered.get('task_registration', 0)}); 同一抽取应用两次 / applied twice: {len(twice)}; "
            f"同一 requestId 重复送达（幂等，未重复应用）/ requestIds received more than once: {again}")
    return ok, text


# -- reporting ---------------------------------------------------------------------------------------------------

def ms(value: float) -> str:
    return f"{value:.0f}" if value >= 10 else f"{value:.1f}"


def table(results: dict[str, Result]) -> list[str]:
    out = []
    for r in results.values():
        errors = ", ".join(f"{k} {v}" for k, v in r.socket.items() if v)
        statuses = ", ".join(f"{k}: {v:,}" for k, v in r.statuses.items())
        extra = f"; 完成抽取 draws {r.draws}" if r.draws else ""
        if r.resumed:
            extra += f"; 续做上一轮未完成的抽取 / resumed an open draw ({r.resumed} × 409)"
        if r.spent:
            extra += f"; 任务本季度已无可抽企业 / a task's frame was spent ({r.spent} × 409 draw.frame_empty)"
        text = (f"    {r.label:<24} {r.requests:>6,} 次 req ({r.requests / r.seconds if r.seconds else 0:6.1f}/s)  "
                f"p50 {ms(r.p50):>5} ms  p95 {ms(r.p95):>5} ms  p99 {ms(r.p99):>5} ms  {{{statuses}}}{extra}")
        if errors:
            text += f"; 套接字错误 / socket errors: {errors}"
        if r.exhausted:
            text += f"; 数据用尽 / data ran out ({r.exhausted})"
        if r.sample:
            text += f"\n      首个意外应答 / first unexpected answer: {r.sample}"
        out.append(text)
    total = sum(r.requests for r in results.values())
    errors = sum(r.errors for r in results.values())
    seconds = max((r.seconds for r in results.values()), default=0)
    out.append(f"    合计 total {total:,} 次请求 / requests ({total / seconds if seconds else 0:.1f}/s), "
               f"意外应答与错误 / unexpected answers and errors: {errors} ({errors / total if total else 0:.2%})")
    return out


def mean_latency(results: dict[str, Result]) -> float:
    n = sum(r.requests for r in results.values())
    return sum(r.mean * r.requests for r in results.values()) / n if n else 0.0


def scan(servers: list[Server]) -> tuple[int, int]:
    """Pool timeouts and tracebacks the servers logged since the last scan."""
    text = "".join(s.new_log() for s in servers)
    return len(POOL_ERRORS.findall(text)), text.count("Traceback")


def machine_cpu() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, from /proc/stat."""
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    tick = os.sysconf("SC_CLK_TCK")
    idle = fields[3] + fields[4]
    return (sum(fields) - idle) / tick, sum(fields) / tick


def postgres_cpu() -> float:
    """CPU seconds of every PostgreSQL process (this run's backends and anyone else's on the shared server)."""
    tick, total = os.sysconf("SC_CLK_TCK"), 0.0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                head, tail = (entry / "stat").read_text().rsplit(")", 1)
                if head.endswith("(postgres"):
                    fields = tail.split()
                    total += (int(fields[11]) + int(fields[12])) / tick
    return total


@dataclass
class CpuWindow:
    """CPU used while a mix ran: the service processes, wrk, PostgreSQL and the whole machine."""

    servers: list[Server]

    def __post_init__(self) -> None:
        self.at, self.service, self.pg, self.machine = (time.monotonic(), sum(s.cpu() for s in self.servers),
                                                        postgres_cpu(), machine_cpu())

    def line(self, wrk_cpu: float) -> str:
        wall = time.monotonic() - self.at
        service = sum(s.cpu() for s in self.servers) - self.service
        pg = postgres_cpu() - self.pg
        busy, total = (b - a for a, b in zip(self.machine, machine_cpu(), strict=True))
        cores = os.cpu_count() or 1
        verdict = ("压测端不是瓶颈 / the load generator is not the bottleneck" if wrk_cpu < 0.25 * service else
                   "压测端占用较高 / the load generator uses a notable share")
        return (f"    CPU（{wall:.0f} s，{cores} 核 / cores）: 服务 service {service:.1f} s ({service / wall:.2f} 核 cores), "
                f"wrk {wrk_cpu:.1f} s ({wrk_cpu / wall:.2f}), PostgreSQL（全部进程 / all backends）{pg:.1f} s "
                f"({pg / wall:.2f}); 整机忙 / machine busy {busy / total:.0%}; {verdict}")


# -- the phases --------------------------------------------------------------------------------------------------

@dataclass
class Context:
    args: argparse.Namespace
    wrk: str
    prepared: Prepared
    probe: Probe
    env: dict[str, str]
    logs: Path
    sim: str
    budget: LineBudget
    failures: list[str] = field(default_factory=list)

    def specs(self) -> dict[str, ClassSpec]:
        p = self.prepared
        return {
            "checkin": ClassSpec("checkin", "签到 check-in", p.checkins, "once", "201"),
            "findings": ClassSpec("findings", "检查情况 findings", p.findings, "wrap"),
            "public": ClassSpec("public", "结果公示查询 public results", p.public, "wrap"),
            "list": ClassSpec("list", "企业列表 enterprise list", p.listing, "wrap"),
            "detail": ClassSpec("detail", "企业详情 enterprise get", p.detail, "wrap"),
            "draw": ClassSpec("draw", "抽取 draw (3 steps)", p.draw_file, "draw"),
        }

    def jobs(self, urls: list[str], seconds: float) -> list[Job]:
        """The mix against one or more service processes; data split so no two runs write the same rows."""
        specs, conns, jobs = self.specs(), self.args.connections, []
        for n, url in enumerate(urls):
            for key, spec in specs.items():
                if key == "checkin":
                    lines: range | None = self.budget.take(seconds)
                elif key == "findings":
                    share = self.prepared.findings_lines // len(urls)
                    lines = range(n * share, (n + 1) * share)
                elif key == "draw":
                    tasks = self.prepared.draw_tasks[n::len(urls)]
                    path = spec.data.with_name(f"draw-tasks-{n}-{len(urls)}.tsv")
                    write_lines(path, tasks)
                    spec = ClassSpec(spec.key, spec.label, path, "draw")
                    lines = None
                else:
                    lines = range(10**9)
                if conns[key]:
                    jobs.append(Job(spec, url, min(conns[key], 1) if key == "draw" else conns[key], lines))
        return jobs

    def mix(self, servers: list[Server], seconds: float, name: str) -> tuple[dict[str, Result], float, float]:
        started, window = time.monotonic(), CpuWindow(servers)
        results, wrk_cpu = run_mix(self.wrk, self.jobs([s.url for s in servers], seconds), seconds)
        wall = time.monotonic() - started
        load1, load5, _ = os.getloadavg()
        print(f"  [{name}]（整机负载 / load average {load1:.1f}, {load5:.1f}）")
        print("\n".join(table(results)))
        print(window.line(wrk_cpu))
        return results, wall, wrk_cpu

    def warm(self, servers: list[Server]) -> None:
        """Fresh worker processes answer their first requests slowly (imports, caches, the pool's connections): a
        few requests of each class per server, then a wrk warm-up, then a pause for what is still in flight."""
        p = self.prepared
        samples = [p.listing, p.detail, p.public]

        async def touch() -> None:
            async with httpx.AsyncClient(timeout=60) as client:
                for n, server in enumerate(servers):
                    for path in samples:
                        rows = path.read_text(encoding="utf-8").splitlines()[:8]
                        await asyncio.gather(*(send(client, server.url, row) for row in rows))
                    share = p.findings_lines // len(servers)
                    rows = p.findings.read_text(encoding="utf-8").splitlines()[n * share:n * share + 4]
                    for row in rows:  # one at a time: the same finding is not written twice at once
                        await send(client, server.url, row)

        asyncio.run(touch())
        self.mix(servers, self.args.warmup, "预热 warm-up (不计 / not counted)")
        time.sleep(SETTLE_SECONDS)
        scan(servers)

    def require_clean(self, results: dict[str, Result], servers: list[Server], name: str) -> None:
        errors = sum(r.errors for r in results.values())
        timeouts, tracebacks = scan(servers)
        print(f"    服务日志 / service log: 连接池超时 pool timeouts (TimeoutError/QueuePool) {timeouts}, "
              f"Traceback {tracebacks}")
        if errors:
            self.failures.append(f"{name}: {errors} 个意外应答或错误 / unexpected answers or errors")
        if timeouts:
            self.failures.append(f"{name}: {timeouts} 次连接池超时 / pool timeouts")


def phase_baseline(ctx: Context, server: Server) -> dict[str, Result]:
    print("\n== 1. 基准混合负载 / realistic mix, one process (1 worker), PostgreSQL ==", flush=True)
    ctx.warm([server])
    results, _wall, _ = ctx.mix([server], ctx.args.duration, "测量 measured")
    ctx.require_clean(results, [server], "1")
    counts, waited = drain(ctx.probe, ctx.args.drain_timeout)
    print(f"    发件箱 / outbox after {waited:.0f} s: {outbox_text(counts)}")
    return results


def phase_platform_down(ctx: Context, server: Server, baseline: dict[str, Result]) -> None:
    print("\n== 2. 省级平台故障 / provincial platform down (every call 503) ==", flush=True)
    before = ctx.probe.outbox()
    httpx.post(f"{ctx.sim}/_sim/faults", json={"rate": 1.0, "kinds": ["http503"], "pathPrefix": "/api/v1"},
               timeout=10).raise_for_status()
    try:
        results, _wall, _ = ctx.mix([server], ctx.args.duration, "平台故障期间 platform down")
        during = ctx.probe.outbox()
    finally:
        faults = httpx.get(f"{ctx.sim}/_sim/faults", timeout=10).json()
        httpx.delete(f"{ctx.sim}/_sim/faults", timeout=10).raise_for_status()
    ctx.require_clean(results, [server], "2")
    print(f"    模拟器注入故障 / faults injected: {faults.get('injectedTotal')}")
    for key, r in results.items():
        b = baseline.get(key)
        if b and b.p50:
            print(f"    {r.label:<24} p50 {r.p50 / b.p50:4.2f}×  p95 {r.p95 / b.p95:4.2f}×  (相对基准 / vs phase 1)")
    ratio = mean_latency(results) / mean_latency(baseline) if mean_latency(baseline) else 0.0
    print(f"    平均延迟比 / mean latency ratio (all requests) {ratio:.2f}× "
          f"（目标 ≤ 1.10× / target: {'达到 met' if ratio <= 1.10 else '未达到 NOT met'}）")
    grew = during.get("pending", 0) - before.get("pending", 0)
    print(f"    发件箱 / outbox before: {outbox_text(before)}")
    print(f"    发件箱 / outbox at the end of the outage: {outbox_text(during)} (待推送增加 / pending grew by {grew})")
    counts, waited = drain(ctx.probe, ctx.args.drain_timeout)
    print(f"    恢复后 {waited:.0f} s / {waited:.0f} s after recovery: {outbox_text(counts)}")
    ok, text = platform_check(ctx.sim, ctx.probe)
    print(f"    {text}")
    lost = counts.get("total", 0) != counts.get("delivered", 0)
    print(f"    发件箱核对 / outbox check: 创建 created {counts.get('total', 0)} = 送达 delivered "
          f"{counts.get('delivered', 0)}: {'是 yes' if not lost else '否 NO'}; 平台核对 / platform check: "
          f"{'一致 consistent' if ok else '不一致 INCONSISTENT'}")
    if grew <= 0:
        ctx.failures.append("2: 故障期间发件箱未增长 / the outbox did not grow during the outage")
    if lost or not ok:
        ctx.failures.append("2: 发件箱未完整送达或有重复 / outbox not fully delivered, or delivered twice")


def phase_pg_restart(ctx: Context, server: Server) -> None:
    print("\n== 3. 负载下重启 PostgreSQL / PostgreSQL restarted under load ==", flush=True)
    chunk, done = 3.0, threading.Event()
    box: dict[str, Any] = {"results": {}}

    def load() -> None:  # the mix in short runs until told to stop (how long PostgreSQL takes is not known ahead)
        try:
            begun = time.monotonic()
            while not done.is_set():
                part = run_mix(ctx.wrk, ctx.jobs([server.url], chunk), chunk)[0]
                box["results"] = {k: box["results"][k].merge(r) if k in box["results"] else r for k, r in part.items()}
            for r in box["results"].values():
                r.seconds = time.monotonic() - begun  # the runs followed each other
        except Exception as exc:  # reported below
            box["error"] = exc

    seen: list[tuple[float, str]] = []
    started = time.monotonic()

    def poll() -> None:
        with httpx.Client(timeout=2) as client:
            while not done.is_set():
                try:
                    status = str(client.get(f"{server.url}/readyz").status_code)
                except httpx.HTTPError as exc:
                    status = type(exc).__name__
                seen.append((time.monotonic() - started, status))
                time.sleep(0.2)

    threads = [threading.Thread(target=load), threading.Thread(target=poll)]
    for t in threads:
        t.start()
    marks: dict[str, float] = {}
    healthz = 0
    try:
        time.sleep(min(3.0, ctx.args.duration / 3))
        marks["stop"] = time.monotonic() - started
        subprocess.run([*PG_CLUSTER, "stop", "-m", "fast"], check=True, capture_output=True, timeout=120)  # noqa: S603
        marks["stopped"] = time.monotonic() - started
        healthz = httpx.get(f"{server.url}/healthz", timeout=2).status_code
        time.sleep(ctx.args.outage)
    finally:
        marks["start"] = time.monotonic() - started
        subprocess.run([*PG_CLUSTER, "start"], check=True, capture_output=True, timeout=120)  # noqa: S603
        marks["started"] = time.monotonic() - started
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline and not (seen and seen[-1][1] == "200" and seen[-1][0] > marks["started"]):
            time.sleep(0.2)
        time.sleep(2)  # the load goes on a moment against the recovered service
        done.set()
        for t in threads:
            t.join(chunk + 120)
    if "error" in box:
        raise box["error"]
    results = box["results"]
    ready_at = next((t for t, s in seen if t > marks["started"] and s == "200"), float("nan"))

    def window(a: float, b: float) -> dict[str, int]:
        statuses = [s for t, s in seen if a <= t < b]
        return {s: statuses.count(s) for s in sorted(set(statuses))}

    print(f"  [停库前后的负载 load across the outage: 停库开始 stop at {marks['stop']:.1f} s, 已停 down at "
          f"{marks['stopped']:.1f} s, 启动 start at {marks['start']:.1f} s, 已启动 up at {marks['started']:.1f} s]")
    print("\n".join(table(results)))
    down = window(marks["stopped"], marks["start"])
    print("    /readyz（每 0.2 s 轮询 / polled every 0.2 s）: "
          f"停库前 before {window(0, marks['stop'])}; 停库中 stopping {window(marks['stop'], marks['stopped'])}; "
          f"已停 down {down}; 启动中 starting {window(marks['start'], marks['started'])}; "
          f"启动后 after {window(marks['started'], float('inf'))}")
    print(f"    停库期间 /healthz / while down: {healthz}; PostgreSQL 启动后 {ready_at - marks['started']:.1f} s "
          f"/readyz 恢复 200（服务进程未重启）/ /readyz back to 200 {ready_at - marks['started']:.1f} s after "
          f"PostgreSQL was up, the service not restarted")
    timeouts, tracebacks = scan([server])
    print(f"    服务日志 / service log: 连接池超时 pool timeouts {timeouts}, Traceback {tracebacks} "
          f"（停库期间的错误是预期的 / errors while PostgreSQL is down are expected）")
    if not down or set(down) != {"503"}:
        ctx.failures.append(f"3: 停库期间 /readyz 未始终为 503 / /readyz not 503 throughout the outage: {down}")
    if ready_at != ready_at:  # NaN
        ctx.failures.append("3: PostgreSQL 恢复后 /readyz 未恢复 / /readyz did not recover")
    after, _wall, _ = ctx.mix([server], ctx.args.duration, "恢复后（服务未重启）after recovery, service not restarted")
    ctx.require_clean(after, [server], "3 (after recovery)")


def phase_scale_out(ctx: Context, env: dict[str, str]) -> None:
    print(f"\n== 4. 横向扩展 / scale-out: two processes × {ctx.args.scale_workers} workers, one PostgreSQL ==",
          flush=True)
    scale_env = {**env, "DATABASE__POOL_SIZE": str(ctx.args.scale_pool_size),
                 "LIMITS__RATE_LOGIN_PER_MINUTE": str(LOGIN_LIMIT)}
    servers = start_pair(scale_env, ctx, "")
    try:
        ctx.warm(servers)
        results, _wall, _ = ctx.mix(servers, ctx.args.duration, "两个进程同时 both processes at once")
        ctx.require_clean(results, servers, "4")
        asyncio.run(shared_state_checks(ctx, servers))
        counts, waited = drain(ctx.probe, ctx.args.drain_timeout)
        ok, text = platform_check(ctx.sim, ctx.probe)
        print(f"    发件箱 / outbox after {waited:.0f} s: {outbox_text(counts)}")
        print(f"    {text}")
        if counts.get("total", 0) != counts.get("delivered", 0) or not ok:
            ctx.failures.append("4: 发件箱未完整送达或有重复 / outbox not fully delivered, or delivered twice")
    finally:
        for s in servers:
            s.stop()
    jobs_once(ctx, scale_env)


async def shared_state_checks(ctx: Context, servers: list[Server]) -> None:
    a, b = (s.url for s in servers)
    token = ctx.prepared.inspector_token
    rows = ctx.prepared.checkins.read_text(encoding="utf-8").splitlines()
    auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    async with httpx.AsyncClient(timeout=30) as client:
        # Idempotency: one key, one body, sent to both processes at once → one check-in.
        _m, target, _t, key, body = rows[ctx.budget.one()].split("\t")
        answers = await asyncio.gather(*(client.post(f"{u}{target}", content=body.encode(),
                                                     headers={**auth, "Idempotency-Key": key}) for u in (a, b)))
        again = await client.post(f"{b}{target}", content=body.encode(), headers={**auth, "Idempotency-Key": key})
        visit_id = target.split("/")[4]
        stored = int(ctx.probe.scalar(f"SELECT count(*) FROM check_in WHERE visit_id = {int(visit_id)}"))
        statuses = sorted(r.status_code for r in answers)
        ok = statuses == [200, 201] and again.status_code == 200 and stored == 1
        print(f"    幂等 / idempotency: 同一幂等键同时发往两个进程 / one key to both processes at once → {statuses}, "
              f"再发 / again → {again.status_code}; check_in 行 / rows {stored}: {'一次签到 one check-in' if ok else 'FAILED'}")
        if not ok:
            ctx.failures.append("4: 幂等键未在进程间共享 / idempotency not shared")

        # Visit-code replay: the inspector's code used on one process, replayed on the other.
        _m, target, _t, _k, body = rows[ctx.budget.one()].split("\t")
        visit_id = target.split("/")[4]
        code = (await client.get(f"{a}/api/v1/visits/{visit_id}/code", headers=auth)).json()["code"]
        position = json.loads(body)["position"]
        payload = json.dumps({"code": code, "position": position}).encode()
        first = await client.post(f"{a}{target}", content=payload, headers={**auth, "Idempotency-Key": uuid.uuid4().hex})
        replay = await client.post(f"{b}{target}", content=payload, headers={**auth, "Idempotency-Key": uuid.uuid4().hex})
        replay_code = replay.json().get("code") if replay.status_code >= 400 else None
        ok = first.status_code == 201 and replay.status_code == 409
        print(f"    重放 / replay: 检查码在进程 A 签到 / visit code used on A → {first.status_code}, 在进程 B 重放 / "
              f"replayed on B → {replay.status_code} ({replay_code}): {'拒绝 refused' if ok else 'FAILED'}")
        # The same visit code sent to both processes at the same moment (different idempotency keys): one wins.
        _m, target, _t, _k, body = rows[ctx.budget.one()].split("\t")
        visit_id = target.split("/")[4]
        code = (await client.get(f"{b}/api/v1/visits/{visit_id}/code", headers=auth)).json()["code"]
        payload = json.dumps({"code": code, "position": json.loads(body)["position"]}).encode()
        both = await asyncio.gather(*(client.post(f"{u}{target}", content=payload, headers={
            **auth, "Idempotency-Key": uuid.uuid4().hex}) for u in (a, b)))
        outcome = sorted((r.status_code, r.json().get("code", "") if r.status_code >= 400 else "") for r in both)
        stored = int(ctx.probe.scalar(f"SELECT count(*) FROM check_in WHERE visit_id = {int(visit_id)}"))
        at_once = [s for s, _ in outcome] == [201, 409] and stored == 1
        print(f"    重放 / replay: 同一检查码同时发往两个进程 / one visit code to both processes at once → {outcome}; "
              f"check_in 行 / rows {stored}: {'一次签到 one check-in' if at_once else 'FAILED'}")
        if not (ok and at_once):
            ctx.failures.append("4: 检查码重放未被拒绝 / visit-code replay not refused")

        # Rate limits: the login counter (per client address) is in the database, shared by both processes.
        seen = []
        for n in range(LOGIN_LIMIT + 3):
            answer = await client.post(f"{(a, b)[n % 2]}/api/v1/auth/token",
                                       data={"username": f"nobody-{uuid.uuid4().hex[:8]}", "password": "wrong-password"})
            seen.append(answer.status_code)
        ok = all(s == 401 for s in seen[:LOGIN_LIMIT]) and all(s == 429 for s in seen[LOGIN_LIMIT:])
        print(f"    限流 / rate limit: 登录上限 {LOGIN_LIMIT} 次/分钟，交替发往 A、B / login limit {LOGIN_LIMIT}/min, "
              f"alternating A and B → {seen}: {'共享 shared' if ok else 'FAILED'}")
        if not ok:
            ctx.failures.append("4: 限流计数未共享 / rate limits not shared")


def start_pair(env: dict[str, str], ctx: Context, prefix: str) -> list[Server]:
    """Two service processes; the first is stopped again if the second does not start."""
    servers: list[Server] = []
    try:
        for name in ("a", "b"):
            servers.append(Server(f"{prefix}{name}", "app.main:create_app", env,
                                  ctx.logs / f"service-{prefix}{name}.log", workers=ctx.args.scale_workers))
    except BaseException:
        for s in servers:
            s.stop()
        raise
    return servers


def jobs_once(ctx: Context, env: dict[str, str]) -> None:
    seconds, every = ctx.args.jobs_seconds, 2
    jobs_env = {**env, "PROVINCIAL__SYNC_INTERVAL_SECONDS": str(every)}
    ctx.probe.rows("DELETE FROM job_occurrence")
    servers = start_pair(jobs_env, ctx, "jobs-")
    try:
        time.sleep(seconds)
    finally:
        for s in servers:
            s.stop()
    occurrences = ctx.probe.rows("SELECT slot, worker FROM job_occurrence WHERE job = 'sync' ORDER BY slot")
    slots = [int(s) for s, _ in occurrences]
    workers = {w for _, w in occurrences}
    runs = int(ctx.probe.scalar("SELECT count(*) FROM sync_run WHERE trigger = 'schedule'"))
    span = max(slots) - min(slots) + 1 if slots else 0
    ok = len(slots) == len(set(slots)) and 0 < runs <= len(slots)
    print(f"    定时任务 / scheduled jobs: 目录同步每 {every} s，两个进程 × {ctx.args.scale_workers} workers 共 "
          f"{2 * ctx.args.scale_workers} 个调度循环运行 {seconds:g} s / directory sync every {every} s, "
          f"{2 * ctx.args.scale_workers} schedulers for {seconds:g} s (+ start and stop): {len(slots)} 个时段 / "
          f"occurrences taken of {span} slots spanned, "
          f"由 {len(workers)} 个进程领取 / taken by {len(workers)} processes, 同步运行 / sync runs {runs} "
          f"(≤ 时段数 / ≤ occurrences): {'每个时段一次 once per occurrence' if ok else 'FAILED'}")
    if not ok:
        ctx.failures.append("4: 定时任务未做到每个时段一次 / scheduled jobs not once per occurrence")


async def set_up(args: argparse.Namespace, tmp: Path, visits: int, schema: str, secret: str) -> Prepared:
    """A fresh migrated schema (kept for the phases; run() drops it) with the prepared data."""
    admin = Database(PG_URL)
    async with admin.engine.begin() as connection:
        await connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    await admin.dispose()
    await upgrade_async(PG_URL, schema=schema)
    settings = Settings(database={"url": PG_URL, "schema_name": schema}, log_level="WARNING",  # type: ignore[arg-type]
                        environment="development", auth={"jwt_secret": secret,  # type: ignore[arg-type]
                                                         "access_token_minutes": TOKEN_MINUTES})
    container = Container.build(settings)
    try:
        await ensure_reference_data(container.uow(Actor("bench", "system", None)))
        return await prepare(container, args, tmp, visits)
    finally:
        await container.close()


def drop_schema(schema: str) -> None:
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "test", "-qc",  # noqa: S603,S607
                    f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'], check=False, capture_output=True, timeout=120)


@contextlib.contextmanager
def postgres_running() -> Iterator[None]:
    """Whatever happens, PostgreSQL is left running."""
    try:
        yield
    finally:
        status = subprocess.run([*PG_CLUSTER, "status"], capture_output=True, check=False)  # noqa: S603
        if status.returncode != 0:
            subprocess.run([*PG_CLUSTER, "start"], capture_output=True, check=False, timeout=120)  # noqa: S603


def run(args: argparse.Namespace) -> int:
    wrk = ensure_wrk()
    phases = {int(p) for p in args.phases.split(",")}
    # Check-in lines: findings visits + warm-ups + measured runs (+ the outage) + the scale-out checks.
    once_seconds = ((args.warmup + args.duration) + args.duration + (args.duration + args.outage + args.duration)
                    + 2 * (args.warmup + args.duration))
    per_second = args.checkins_per_second
    visits = args.findings_visits + int(per_second * (once_seconds + 60)) + 30 * 8 + 50
    started = time.perf_counter()
    schema, secret = f"bench_load_{uuid.uuid4().hex[:8]}", secrets.token_urlsafe(48)
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp_name, postgres_running():
        tmp = Path(tmp_name)
        try:
            prepared = asyncio.run(set_up(args, tmp, visits, schema, secret))
        except BaseException:
            drop_schema(schema)
            raise
        print(f"准备 / set-up: {args.enterprises:,} 家企业 / enterprises, {prepared.checkin_lines:,} 条检查安排 / "
              f"visits, {len(prepared.draw_tasks)} 个可抽取任务 / tasks to draw, {prepared.findings_lines:,} 条检查情况 / "
              f"finding lines; {time.perf_counter() - started:.0f} s（不计入测量 / not measured）", flush=True)
        logs = tmp
        if args.keep_logs:
            logs = Path(args.keep_logs)
            logs.mkdir(parents=True, exist_ok=True)
        sim = Server("simulator", "simulator.app:app", {"SIM_ENTERPRISES": str(args.sim_enterprises)},
                     logs / "simulator.log", factory=False, health="/_sim/config")
        env = {
            "DATABASE__URL": PG_URL, "DATABASE__SCHEMA_NAME": schema, "DATABASE__POOL_SIZE": str(args.pool_size),
            "ENVIRONMENT": "development", "LOG_LEVEL": "WARNING",
            "AUTH__JWT_SECRET": secret, "AUTH__ACCESS_TOKEN_MINUTES": str(TOKEN_MINUTES),
            "PROVINCIAL__BASE_URL": sim.url, "PROVINCIAL__RELAY_INTERVAL_SECONDS": "1",
            "PROVINCIAL__SYNC_INTERVAL_SECONDS": "0", "PROVINCIAL__RECONCILE_INTERVAL_HOURS": "0",
            "PROVINCIAL__SYNC_ON_START": "false", "PROVINCIAL__RETRY_ATTEMPTS": "2",
            "PROVINCIAL__RETRY_BASE_SECONDS": "0.2", "PROVINCIAL__TIMEOUT_SECONDS": "5",
            "AUDIT__CHECKPOINT_INTERVAL_HOURS": "0", "DEMO__LOAD_ON_START": "false",
            "ONSITE__UPLOAD_DIR": str(tmp / "uploads"),
            # One inspector account and one client address make every request: the limits would measure themselves.
            "LIMITS__RATE_CHECKIN_PER_MINUTE": "100000000", "LIMITS__RATE_PUBLIC_PER_MINUTE": "100000000",
            "LIMITS__RATE_EXPORT_PER_MINUTE": "100000000",
        }
        budget = LineBudget(args.findings_visits, prepared.checkin_lines, per_second)
        ctx = Context(args, wrk, prepared, Probe(schema), env, logs, sim.url, budget)
        try:
            server = Server("service", "app.main:create_app", env, logs / "service.log")
            try:
                asyncio.run(check_in_for_findings(server.url, prepared))
                baseline = phase_baseline(ctx, server)
                if 2 in phases:
                    phase_platform_down(ctx, server, baseline)
                if 3 in phases:
                    phase_pg_restart(ctx, server)
            finally:
                server.stop()
            if 4 in phases:
                phase_scale_out(ctx, env)
        finally:
            sim.stop()
            drop_schema(schema)
    print(f"\n用时 / took {time.perf_counter() - started:.0f} s")
    if ctx.failures:
        print("运行失败 / the run FAILED:\n  " + "\n  ".join(ctx.failures))
        return 1
    print("全部检查通过 / every check passed")
    return 0


def connections(text: str) -> dict[str, int]:
    values = {"checkin": 3, "findings": 2, "public": 2, "list": 2, "detail": 2, "draw": 1}
    for part in filter(None, text.split(",")):
        key, _, n = part.partition("=")
        if key not in values:
            raise argparse.ArgumentTypeError(f"unknown class {key!r}: {', '.join(values)}")
        values[key] = int(n)
    return values


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--duration", type=float, default=10, help="measured seconds per phase")
    parser.add_argument("--warmup", type=float, default=5, help="wrk warm-up seconds before phases 1 and 4")
    parser.add_argument("--outage", type=float, default=4, help="seconds PostgreSQL stays down in phase 3")
    parser.add_argument("--phases", default="1,2,3,4", help="phases to run (1 always runs: the others compare to it)")
    parser.add_argument("--connections", type=connections, default=connections(""),
                        help="connections per class, e.g. checkin=3,findings=2,public=2,list=2,detail=2,draw=1 "
                             "(0 leaves a class out; draws use one connection)")
    parser.add_argument("--enterprises", type=int, default=3_000)
    parser.add_argument("--findings-visits", type=int, default=200, help="visits checked in at set-up for findings")
    parser.add_argument("--checkins-per-second", type=int, default=400, help="check-in lines set aside per second")
    parser.add_argument("--draw-quota", type=int, default=3, help="enterprises a draw selects (quarterly quota)")
    parser.add_argument("--pool-size", type=int, default=10, help="DATABASE__POOL_SIZE of the single process")
    parser.add_argument("--scale-workers", type=int, default=2, help="uvicorn workers of each process in phase 4")
    parser.add_argument("--scale-pool-size", type=int, default=5, help="DATABASE__POOL_SIZE per worker in phase 4")
    parser.add_argument("--drain-timeout", type=float, default=150, help="longest wait for the outbox to drain")
    parser.add_argument("--jobs-seconds", type=float, default=8, help="phase 4: how long jobs run on both processes")
    parser.add_argument("--sim-enterprises", type=int, default=100, help="the simulator's population")
    parser.add_argument("--keep-logs", default="", help="directory to keep the service and simulator logs in")
    args = parser.parse_args()
    sys.exit(run(args))


if __name__ == "__main__":
    main()
