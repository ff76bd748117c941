"""No personal data in the logs: every test's captured log output (stderr and log records) is scanned for mobile
phone numbers, resident ID numbers and the demo password; the run fails when any is found.

Registered as a pytest plugin by tests/conftest.py. The scanner itself is tested in tests/unit/test_logscan.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest

from app.domain.directories.seeding import DEMO_PASSWORD
from tests.conftest import PASSWORD

#: A mainland mobile number (11 digits from 13x–19x) standing alone.
PHONE = re.compile(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])")
#: A resident ID number: region, a plausible birth date, sequence, check character.
RESIDENT_ID = re.compile(r"(?<![0-9A-Za-z])\d{6}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx]"
                         r"(?![0-9A-Za-z])")
SECRETS = (DEMO_PASSWORD, PASSWORD)


def personal_data(text: str) -> list[str]:
    """What in ``text`` looks like personal data or a password (empty when clean)."""
    found = [f"手机号 {m.group()}" for m in PHONE.finditer(text)]
    found += [f"身份证号 {m.group()}" for m in RESIDENT_ID.finditer(text)]
    found += [f"口令 {secret}" for secret in SECRETS if secret in text]
    return found


@dataclass(eq=False)
class LogScan:
    scanned: int = 0
    findings: list[tuple[str, str]] = field(default_factory=list)

    @pytest.hookimpl(trylast=True)
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        for name, content in report.sections:
            if name.startswith(("Captured stderr", "Captured log")):
                self.scanned += 1
                self.findings += [(report.nodeid, hit) for hit in personal_data(content)]

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        if self.findings:
            reporter = session.config.pluginmanager.get_plugin("terminalreporter")
            lines = [f"  {nodeid}: {hit}" for nodeid, hit in self.findings[:20]]
            message = "日志中出现个人信息或口令 / personal data in the logs:\n" + "\n".join(lines)
            if reporter is not None:
                reporter.write_line(message, red=True)
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
