"""Loading the bureau's reference data (units, item list) and the demo population."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date, timedelta

from app.domain.audit.model import AuditEvent
from app.domain.auth.model import Role, User
from app.domain.directories.catalogue import CHECK_ITEMS, DEPARTMENTS
from app.domain.directories.demo import DEMO_CONFLICT_REASONS, generate_enterprises, generate_inspectors
from app.domain.directories.model import Conflict, ItemStatus
from app.domain.directories.snapshots import prepare_enterprise
from app.domain.ports import PasswordHasher, UnitOfWork
from app.domain.provincial.model import DirectoryKind

#: Demo accounts, one per role, created only outside production.
DEMO_PASSWORD = "Demo-2026-qhd!"  # noqa: S105 - published demo credential, refused in production
DEMO_USERS: tuple[tuple[str, str, Role, str], ...] = (
    ("demo-admin", "演示-系统管理员", Role.ADMIN, "BGS"),
    ("demo-security", "演示-安全保密管理员", Role.SECURITY, "BGS"),
    ("demo-supervisor", "演示-执法监督科", Role.SUPERVISOR, "ZJK"),
    ("demo-zf1", "演示-执法一大队", Role.DEPARTMENT, "ZF1"),
    ("demo-inspector", "演示-执法人员", Role.INSPECTOR, "ZF1"),
    ("demo-partner", "演示-市水务局", Role.PARTNER, "SW"),
    ("demo-auditor", "演示-纪检审计", Role.AUDITOR, "ZJK"),
    ("demo-integration", "演示-系统对接", Role.INTEGRATION, "BGS"),
)


@dataclass(frozen=True, slots=True)
class SeedReport:
    departments: int = 0
    items: int = 0
    enterprises: int = 0
    inspectors: int = 0
    conflicts: int = 0
    users: int = 0


async def ensure_reference_data(uow: UnitOfWork) -> SeedReport:
    """Adds the units and check items of the catalogue that are missing; never overwrites edits."""
    departments = items = 0
    async with uow:
        for department in DEPARTMENTS:
            if await uow.departments.get(department.code) is None:
                await uow.departments.add(department)
                departments += 1
        for item in CHECK_ITEMS:
            if await uow.items.get(item.code) is None:
                published = item.status is ItemStatus.PUBLISHED
                await uow.items.add(replace(item, published_at=uow.now if published else None))
                items += 1
        if departments or items:
            uow.audit.record(AuditEvent("reference_data.load", "catalogue", "2026", None,
                                        {"departments": departments, "check_items": items}))
            await uow.commit()
    return SeedReport(departments=departments, items=items)


async def load_demo(
    uow: UnitOfWork, hasher: PasswordHasher | None, *, enterprises: int, seed: int, today: date
) -> SeedReport:
    """A deterministic demo population; only what is missing is added, so it can run on every start."""
    population = list(generate_enterprises(enterprises, seed=seed))
    inspectors = generate_inspectors(today=today, seed=seed)
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    created_users = conflicts = 0
    async with uow:
        known = await uow.enterprises.existing([e.uscc for e in population])
        creates = [e for e in population if e.uscc not in known]
        if creates:
            await uow.enterprises.bulk_write([prepare_enterprise(e) for e in creates], [], changed_by="demo", at=uow.now)
        added_inspectors = 0
        for inspector in inspectors:
            if await uow.inspectors.person_id_taken(inspector.person_id):
                continue
            if population and rng.random() < 0.1:
                target = population[rng.randrange(len(population))]
                start = today - timedelta(days=rng.randrange(30, 900))
                inspector.conflicts = [Conflict(None, target.uscc, rng.choice(DEMO_CONFLICT_REASONS), start)]
                conflicts += 1
            await uow.inspectors.add(inspector)
            added_inspectors += 1
        if hasher is not None:
            for username, display_name, role, department in DEMO_USERS:
                if await uow.users.by_username(username) is None:
                    await uow.users.add(User(None, username, display_name, role, department,
                                             await hasher.hash(DEMO_PASSWORD)))
                    created_users += 1
            await _link_demo_inspector(uow)
        report = SeedReport(enterprises=len(creates), inspectors=added_inspectors, conflicts=conflicts,
                            users=created_users)
        if creates or added_inspectors or created_users:
            uow.audit.record(AuditEvent("demo.load", "demo", str(seed), None,
                                        {"demo": True, "enterprises": len(creates), "inspectors": added_inspectors,
                                         "conflicts": conflicts, "users": created_users}))
            await uow.commit()
    return report


async def load_demo_accounts(
    uow: UnitOfWork, hasher: PasswordHasher, *, seed: int, today: date, conflict_share: float = 0.1
) -> SeedReport:
    """Demo accounts, and declared conflicts of interest for some inspectors, over directories that came from
    the platform (the embedded default syncs them from its simulator). Only what is missing is added."""
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    created_users = conflicts = 0
    async with uow:
        enterprises = await uow.sync.local_keys(DirectoryKind.ENTERPRISES, after=None, limit=5000)
        people = await uow.sync.local_keys(DirectoryKind.INSPECTORS, after=None, limit=5000)
        for person_id in people:
            if not enterprises or rng.random() >= conflict_share:
                continue
            inspector = await uow.inspectors.get(person_id)
            if inspector is None or inspector.conflicts:
                continue
            start = today - timedelta(days=rng.randrange(30, 900))
            await uow.inspectors.add_conflict(person_id, Conflict(None, rng.choice(enterprises),
                                                                  rng.choice(DEMO_CONFLICT_REASONS), start))
            conflicts += 1
        for username, display_name, role, department in DEMO_USERS:
            if await uow.users.by_username(username) is None:
                await uow.users.add(User(None, username, display_name, role, department, await hasher.hash(DEMO_PASSWORD)))
                created_users += 1
        await _link_demo_inspector(uow)
        if conflicts or created_users:
            uow.audit.record(AuditEvent("demo.accounts", "demo", str(seed), None,
                                        {"demo": True, "conflicts": conflicts, "users": created_users}))
            await uow.commit()
    return SeedReport(conflicts=conflicts, users=created_users)


async def _link_demo_inspector(uow: UnitOfWork) -> None:
    """The demo 执法人员 account speaks for the first certified inspector of its unit (the mobile client's visits)."""
    user = await uow.users.by_username("demo-inspector")
    if user is None or user.person_id is not None:
        return
    candidates = sorted(await uow.inspectors.in_departments([user.department_code]), key=lambda i: i.person_id)
    if candidates:
        user.person_id = candidates[0].person_id
        await uow.users.update(user)
