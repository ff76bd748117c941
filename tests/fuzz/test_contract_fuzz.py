"""Contract fuzzing: schemathesis generates requests from the committed openapi.yaml and sends them to the real app
(in process, real database, a signed-in supervisor whose second factor is satisfied); every response must match the
contract (status declared, media type, headers, body schema) and none may be a server error.

Bounded for the suite: a fixed seed, derandomized, a few examples per operation and mode; shrinking off.
``FUZZ_EXAMPLES`` raises the number of examples for a longer run.
"""

from __future__ import annotations

import os
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, seed
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
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
SEED = 20261129


@dataclass
class Tally:
    operations: int = 0
    examples: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    unsatisfiable: list[str] = field(default_factory=list)
    failures: dict[str, list[str]] = field(default_factory=dict)

    def fail(self, operation: str, text: str) -> None:
        self.failures.setdefault(operation, [])
        if text not in self.failures[operation]:
            self.failures[operation].append(text)


@pytest.fixture
def fuzz_settings(settings: Settings) -> Settings:
    limits = settings.limits.model_copy(update={
        "rate_login_per_minute": 100_000, "rate_checkin_per_minute": 100_000,
        "rate_public_per_minute": 100_000, "rate_export_per_minute": 100_000})
    auth = settings.auth.model_copy(update={"require_second_factor": True})
    return settings.model_copy(update={"limits": limits, "auth": auth})


@pytest.fixture
async def supervisor_token(container: Container) -> str:
    """A supervisor of 执法监督科 whose token records a passed second factor (``mfa``)."""
    name = f"fuzz-supervisor-{uuid.uuid4().hex[:6]}"
    async with container.uow(Actor("fixture", "system", None)) as uow:
        user = await uow.users.add(User(None, name, name, Role.SUPERVISOR, "ZJK", await container.hasher.hash("x" * 12)))
        await uow.commit()
    return container.tokens.issue({"sub": str(user.id), "role": "supervisor", "dept": "ZJK", "mfa": True}, minutes=60)


def test_the_app_keeps_its_contract_under_fuzzing(fuzz_settings: Settings, supervisor_token: str,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    # The app's own container, built here and used only on schemathesis' event loop (database connections are
    # bound to the loop that opened them).
    app = create_app(fuzz_settings, container=Container.build(fuzz_settings))
    schema = schemathesis.openapi.from_path(CONTRACT)
    schema.app = app
    # The credential is the supervisor's token, sent with every request; generated X-API-Key or Authorization
    # headers would only ever be refused (401).
    schema.config.generation.update(with_security_parameters=False)
    headers = {"Authorization": f"Bearer {supervisor_token}"}
    tally = Tally()
    started = time.monotonic()
    try:
        for result in schema.get_all_operations():
            operation = result.ok()
            tally.operations += 1
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                _fuzz(operation, mode, headers, tally)
    finally:
        schemathesis_asgi.shutdown_lifespans()
    elapsed = time.monotonic() - started
    summary = (f"schemathesis: {tally.operations} operations, {tally.examples} examples, "
               f"{sum(len(v) for v in tally.failures.values())} distinct failures in {len(tally.failures)} operations, "
               f"{len(tally.unsatisfiable)} operation-modes without a possible request, {elapsed:.0f} s; statuses {dict(sorted(tally.statuses.items()))}")
    with capsys.disabled():
        print("\n" + summary)
    report = "\n\n".join(f"== {op}\n" + "\n---\n".join(texts) for op, texts in sorted(tally.failures.items()))
    assert not tally.failures, summary + "\n\n" + report


#: Request validation the contract cannot express: cross-field rules and PATCH's "omit, never null"
#: (``value_error``), and lengths counted after surrounding whitespace is stripped (``string_too_short``).
NOT_IN_THE_CONTRACT = frozenset({"validation.value_error", "validation.string_too_short"})


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


def _fuzz(operation: schemathesis.APIOperation, mode: GenerationMode, headers: dict[str, str], tally: Tally) -> None:
    label = f"{operation.method.upper()} {operation.path}"

    @seed(SEED)
    @hypothesis_settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                         phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck),
                         print_blob=False)
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: schemathesis.Case) -> None:
        tally.examples += 1
        try:
            response = case.call(headers=headers)
        except Exception as exc:  # the app raised through the transport
            tally.fail(label, f"{mode.value}: {type(exc).__name__}: {exc}")
            return
        tally.statuses[response.status_code] += 1
        try:
            case.validate_response(response, headers=headers, excluded_checks=[positive_data_acceptance],
                                   transport_kwargs={"headers": headers})
        except FailureGroup as group:
            tally.fail(label, f"{mode.value}: {group}")
        if mode is GenerationMode.POSITIVE and _refused_by_request_validation(response):
            tally.fail(label, f"{mode.value}: schema-valid request refused by request validation: {response.text}\n"
                              f"{case.as_curl_command()}")

    try:
        run()
    except Unsatisfiable:  # no request of this mode exists (e.g. nothing in the operation can be made invalid)
        tally.unsatisfiable.append(f"{mode.value} {label}")
