"""The operator command line, each command against a fresh SQLite file."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
import yaml
from asgi_lifespan import LifespanManager
from typer.testing import CliRunner, Result

from app.cli import cli
from app.domain.directories.catalogue import CHECK_ITEMS, DEPARTMENTS
from app.domain.directories.seeding import DEMO_PASSWORD, DEMO_USERS
from app.domain.directories.uscc import complete_uscc
from app.main import create_app
from app.settings import Environment, Settings, get_settings

Invoke = Callable[..., Result]
STRONG = "Qhd-Admin-2026!x"


@pytest.fixture
def db_file(tmp_path: Path) -> Path:
    return tmp_path / "cli.db"


@pytest.fixture
def invoke(db_file: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Invoke]:
    """Runs a command with DATABASE__URL pointing at the test's own file (settings are read afresh)."""
    monkeypatch.setenv("DATABASE__URL", f"sqlite+aiosqlite:///{db_file}")
    monkeypatch.setenv("ENVIRONMENT", "test")
    for name in ("DATABASE__SCHEMA_NAME", "DATABASE__MIGRATION_URL", "DATABASE__APP_ROLE"):
        monkeypatch.delenv(name, raising=False)
    runner = CliRunner()

    def run(*args: str) -> Result:
        get_settings.cache_clear()
        return runner.invoke(cli, list(args))

    yield run
    get_settings.cache_clear()


def rows(db_file: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db_file) as connection:
        return connection.execute(sql).fetchall()


def test_init_migrates_and_loads_the_units_and_the_item_list(invoke: Invoke, db_file: Path) -> None:
    assert (len(DEPARTMENTS), len(CHECK_ITEMS)) == (18, 41)

    result = invoke("init")

    assert result.exit_code == 0, result.output
    assert "数据库已迁移到最新版本" in result.output
    assert "新增单位 18 个，抽查事项 41 项" in result.output
    assert rows(db_file, "SELECT count(*) FROM department") == [(18,)]
    assert rows(db_file, "SELECT count(*) FROM check_item") == [(41,)]
    assert "新增抽查计划 9 个" in result.output
    assert rows(db_file, "SELECT count(*), min(status), max(status) FROM plan") == [(9, "published", "published")]
    assert rows(db_file, "SELECT count(*) FROM plan_task") == [(9,)]


def test_load_plans_reads_a_plan_document_and_adds_only_what_is_missing(invoke: Invoke, db_file: Path) -> None:
    first = invoke("load-plans")
    again = invoke("load-plans")

    assert first.exit_code == 0, first.output
    assert "读取抽查计划 9 个，新增 9 个" in first.output
    assert "读取抽查计划 9 个，新增 0 个" in again.output
    assert rows(db_file, "SELECT count(*) FROM plan_version") == [(9,)]


def test_init_is_idempotent(invoke: Invoke, db_file: Path) -> None:
    assert invoke("init").exit_code == 0

    again = invoke("init")

    assert again.exit_code == 0, again.output
    assert "新增单位 0 个，抽查事项 0 项" in again.output
    assert "新增抽查计划 0 个" in again.output
    assert rows(db_file, "SELECT count(*) FROM department") == [(18,)]


async def test_create_admin_creates_an_administrator_who_can_log_in(invoke: Invoke, db_file: Path) -> None:
    # The commands run their own event loop: call them from a worker thread inside this async test.
    assert (await asyncio.to_thread(invoke, "init")).exit_code == 0

    result = await asyncio.to_thread(invoke, "create-admin", "--username", "root", "--password", STRONG)

    assert result.exit_code == 0, result.output
    assert "已创建系统管理员 root" in result.output
    [(role, department, active, password_hash)] = rows(
        db_file, "SELECT role, department_code, active, password_hash FROM app_user WHERE username = 'root'")
    assert (role, department, active) == ("admin", "BGS", 1)
    assert STRONG not in str(password_hash)
    assert rows(db_file, "SELECT actor, action FROM audit_record WHERE action = 'user.create'") == [
        ("cli", "user.create")]
    app = create_app(Settings(environment=Environment.TEST, database={"url": f"sqlite+aiosqlite:///{db_file}"}))
    async with LifespanManager(app), httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                                       base_url="http://test") as client:
        token = await client.post("/api/v1/auth/token", data={"username": "root", "password": STRONG})
        assert token.status_code == 200, token.text
        me = await client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token.json()['access_token']}"})
    assert (me.json()["username"], me.json()["role"]) == ("root", "admin")


def test_create_admin_rejects_a_weak_password_in_chinese(invoke: Invoke, db_file: Path) -> None:
    assert invoke("init").exit_code == 0

    result = invoke("create-admin", "--username", "root", "--password", "root123")

    assert result.exit_code == 1
    assert "密码至少 10 位" in result.output
    assert "auth.weak_password" in result.output
    assert rows(db_file, "SELECT count(*) FROM app_user") == [(0,)]


def test_create_admin_refuses_an_existing_username(invoke: Invoke) -> None:
    assert invoke("init").exit_code == 0
    assert invoke("create-admin", "--username", "root", "--password", STRONG).exit_code == 0

    again = invoke("create-admin", "--username", "root", "--password", STRONG)

    assert again.exit_code == 1
    assert "已存在" in again.output


def test_demo_loads_data_and_prints_the_demo_accounts(invoke: Invoke, db_file: Path) -> None:
    result = invoke("demo", "--enterprises", "200")

    assert result.exit_code == 0, result.output
    assert "检查对象名录库：拉取" in result.output
    assert "新增 200" in result.output
    assert DEMO_PASSWORD in result.output
    for username, _, role, _ in DEMO_USERS:
        assert f"{username}（{role.label}）" in result.output
    assert rows(db_file, "SELECT count(*) FROM enterprise") == [(200,)]
    assert rows(db_file, "SELECT count(*) FROM app_user") == [(len(DEMO_USERS),)]
    assert rows(db_file, "SELECT count(*) FROM inspector")[0][0] > 0


def test_demo_is_refused_in_production(invoke: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("AUTH__JWT_SECRET", "a-production-secret-of-at-least-32-characters")
    monkeypatch.setenv("PROVINCIAL__BASE_URL", "https://sjsj.hebei.example/gateway")
    monkeypatch.setenv("PROVINCIAL__CLIENT_SECRET", "a-real-platform-credential")

    result = invoke("demo", "--enterprises", "10")

    assert result.exit_code == 1
    assert "生产环境不能生成演示数据" in result.output


def write_csv(path: Path, *lines: str) -> Path:
    path.write_text("\n".join(["统一社会信用代码,企业名称,区县代码,行业代码", *lines]) + "\n", encoding="utf-8")
    return path


def test_import_with_a_bad_row_exits_2_naming_the_row(invoke: Invoke, db_file: Path, tmp_path: Path) -> None:
    assert invoke("init").exit_code == 0
    good = complete_uscc("91130302MA0000001")
    file = write_csv(tmp_path / "enterprises.csv", f"{good},秦皇岛甲公司,130302,GM-JX",
                     "91130302MA00000029,秦皇岛乙公司,130302,GM-JX")

    result = invoke("import-enterprises", str(file))

    assert result.exit_code == 2, result.output
    assert "第 3 行" in result.output
    assert "校验码" in result.output
    assert "未写入" in result.output
    assert rows(db_file, "SELECT count(*) FROM enterprise") == [(0,)]


def test_import_valid_only_loads_the_good_rows(invoke: Invoke, db_file: Path, tmp_path: Path) -> None:
    assert invoke("init").exit_code == 0
    good = complete_uscc("91130302MA0000001")
    file = write_csv(tmp_path / "enterprises.csv", f"{good},秦皇岛甲公司,130302,GM-JX",
                     "91130302MA00000029,秦皇岛乙公司,130302,GM-JX")

    result = invoke("import-enterprises", "--valid-only", str(file))

    assert result.exit_code == 0, result.output
    assert "新增 1" in result.output
    assert rows(db_file, "SELECT uscc FROM enterprise") == [(good,)]


def test_export_openapi_writes_the_apps_contract(invoke: Invoke, tmp_path: Path) -> None:
    output = tmp_path / "tmp.yaml"

    result = invoke("export-openapi", "--output", str(output))

    assert result.exit_code == 0, result.output
    spec = yaml.safe_load(output.read_text(encoding="utf-8"))
    assert spec["openapi"].startswith("3.")
    assert set(spec["paths"]) == set(create_app().openapi()["paths"])
    assert "/api/v1/enterprises" in spec["paths"]


def test_audit_purge_has_nothing_to_do_on_a_young_trail(invoke: Invoke, db_file: Path) -> None:
    assert invoke("init").exit_code == 0

    result = invoke("audit", "purge")

    assert result.exit_code == 0, result.output
    assert "无需清理" in result.output
    assert rows(db_file, "SELECT count(*) FROM audit_anchor") == [(0,)]


def test_audit_purge_refuses_a_retention_under_186_days(invoke: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUDIT__RETENTION_DAYS", "90")

    result = invoke("audit", "purge")

    assert result.exit_code != 0
    assert "不得少于 186 天" in str(result.exception)


def test_grant_app_role_explains_that_sqlite_has_no_roles(invoke: Invoke) -> None:
    assert invoke("init").exit_code == 0

    result = invoke("db", "grant-app-role", "qhd_app")

    assert result.exit_code == 1
    assert "SQLite 没有数据库角色" in result.output


def test_grant_app_role_refuses_a_malformed_role_name(invoke: Invoke) -> None:
    result = invoke("db", "grant-app-role", "app; DROP TABLE audit_record")

    assert result.exit_code == 2
    assert "角色名只能由小写字母" in result.output


def test_migrate_uses_the_migration_url(invoke: Invoke, db_file: Path, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    owner_file = tmp_path / "owner.db"
    monkeypatch.setenv("DATABASE__MIGRATION_URL", f"sqlite+aiosqlite:///{owner_file}")

    assert invoke("migrate").exit_code == 0

    assert rows(owner_file, "SELECT count(*) FROM alembic_version") == [(1,)]
    assert not db_file.exists() or rows(db_file, "SELECT count(*) FROM sqlite_master WHERE name = 'alembic_version'") == [(0,)]
