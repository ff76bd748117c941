"""运维命令行 / operator command line: the same services as the HTTP API.

    qhd-inspection serve             迁移数据库、加载基础数据（及演示数据），启动服务
    qhd-inspection migrate           数据库迁移到最新版本
    qhd-inspection init              迁移并加载单位与抽查事项清单
    qhd-inspection create-admin      创建首个系统管理员
    qhd-inspection demo              生成演示数据（企业、执法人员、演示账号）
    qhd-inspection import-enterprises FILE   从 CSV/XLSX 导入企业名录
    qhd-inspection import-inspectors FILE    从 CSV/XLSX 导入执法人员名录
    qhd-inspection load-plans        从年度计划文件载入抽查计划与任务
    qhd-inspection sync              从省级平台“冀上双随机”同步三个目录（增量或全量对账）
    qhd-inspection outbox-relay      推送待发送的任务登记、抽取结果与检查结果
    qhd-inspection export-openapi    导出 openapi.yaml
    qhd-inspection db grant-app-role ROLE    创建应用角色并授权（PostgreSQL；审计表只能查询与追加）
    qhd-inspection audit purge       清理超过保存期限的审计记录（止于已签名检查点，留下签名锚点）
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
import yaml

from app.adapters.db.migrations import upgrade_async
from app.adapters.db.repositories.audit import Actor
from app.adapters.db.roles import RoleError, grant_app_role
from app.deps import Container
from app.domain.auth.model import system_principal
from app.domain.auth.service import bootstrap_admin
from app.domain.directories.importing import ImportMode, import_enterprises
from app.domain.directories.inspector_import import import_inspectors
from app.domain.directories.seeding import (
    DEMO_PASSWORD,
    DEMO_USERS,
    ensure_reference_data,
    load_demo,
    load_demo_accounts,
)
from app.domain.errors import DomainError
from app.domain.plans.seed import parse_plan_document
from app.domain.plans.service import load_seed
from app.domain.provincial.model import SYNC_ORDER, DirectoryKind
from app.domain.sync.model import KindCounts, SyncMode, SyncRun, SyncStatus, SyncTrigger
from app.domain.sync.service import execute_run, request_run
from app.settings import Environment, Settings, get_settings

#: The bureau's 2026 plan document (印发通知 with its two attachment tables), shipped with the service.
PLAN_DOCUMENT = Path(__file__).resolve().parent / "data" / "qinhuangdao-2026-random-inspection-plan.md"

cli = typer.Typer(help="秦皇岛市应急管理局“双随机、一公开”随机抽查服务 运维命令", no_args_is_help=True,
                  add_completion=False)
T = TypeVar("T")


def _run(work: Callable[[Container], Awaitable[T]], settings: Settings | None = None) -> T:
    settings = settings or get_settings()

    async def main() -> T:
        container = Container.build(settings)
        try:
            return await work(container)
        finally:
            await container.close()

    try:
        return asyncio.run(main())
    except RoleError as exc:
        typer.secho(f"错误：{exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(1) from exc
    except DomainError as exc:
        typer.secho(f"错误：{exc.message_zh}（{exc.code}）", fg=typer.colors.RED, err=True)
        for detail in exc.details.get("errors", []):
            typer.secho(f"  - {detail.get('field')}: {detail.get('message')}", err=True)
        raise typer.Exit(1) from exc


def _system(container: Container, name: str = "cli") -> Any:
    return container.uow(Actor(name, "system", None))


async def _migrate(settings: Settings, *, quiet: bool = False) -> None:
    """Migrate as the owner of the tables (DATABASE__MIGRATION_URL, else DATABASE__URL), then renew the application
    role's grants when DATABASE__APP_ROLE names one (new tables need them)."""
    database = settings.database
    await upgrade_async(database.owner_url, schema=database.schema_name)
    if not quiet:
        typer.echo("数据库已迁移到最新版本")
    if database.app_role and not database.owner_url.startswith("sqlite"):
        grants = await grant_app_role(database.owner_url, database.app_role, schema=database.schema_name,
                                      create=False)
        if not quiet:
            typer.echo(f"已为应用角色 {grants.role} 重新授权（模式 {grants.schema}，{grants.tables} 张表）")


async def _prepare(container: Container, *, demo_enterprises: int | None) -> None:
    settings = container.settings
    await _migrate(settings)
    ref = await ensure_reference_data(_system(container, "loader"))
    typer.echo(f"基础数据：新增单位 {ref.departments} 个，抽查事项 {ref.items} 项")
    added = await load_seed(_system(container, "loader"), parse_plan_document(PLAN_DOCUMENT.read_text(encoding="utf-8")))
    typer.echo(f"年度计划：新增抽查计划 {added} 个（{PLAN_DOCUMENT.name}）")
    if demo_enterprises is None:
        return
    if settings.provincial.base_url is None:
        # The embedded default: the demo directories come from the in-process simulator, through sync.
        typer.echo("演示数据：从内置的省级平台模拟器同步目录 …")
        await _sync(container, list(SYNC_ORDER), SyncMode.INCREMENTAL, SyncTrigger.CLI)
        extras = await load_demo_accounts(_system(container, "demo"), container.hasher, seed=settings.demo.seed,
                                          today=container.clock.today())
        typer.echo(f"演示数据：利害关系 {extras.conflicts} 条，演示账号 {extras.users} 个")
        return
    demo = await load_demo(_system(container, "demo"), container.hasher, enterprises=demo_enterprises,
                           seed=settings.demo.seed, today=container.clock.today())
    typer.echo(f"演示数据：新增企业 {demo.enterprises} 家，执法人员 {demo.inspectors} 名，"
               f"利害关系 {demo.conflicts} 条，演示账号 {demo.users} 个")


class _Progress:
    """One progress bar per directory, opened when the platform's first page tells the total."""

    def __init__(self) -> None:
        self.bars: dict[DirectoryKind, Any] = {}
        self.done: dict[DirectoryKind, int] = {}

    def __call__(self, kind: DirectoryKind, counts: KindCounts) -> None:
        bar = self.bars.get(kind)
        if bar is None:
            bar = self.bars[kind] = typer.progressbar(length=max(counts.total or 0, 1), label=f"{kind.label:<10}",
                                                      show_pos=True)
            bar.__enter__()
            self.done[kind] = 0
        bar.update(counts.fetched - self.done[kind])
        self.done[kind] = counts.fetched

    def close(self) -> None:
        for bar in self.bars.values():
            bar.__exit__(None, None, None)


async def _sync(container: Container, kinds: list[DirectoryKind], mode: SyncMode, trigger: SyncTrigger) -> SyncRun:
    settings = container.settings
    run = await request_run(_system(container, "sync"), system_principal("cli"), kinds, mode, trigger)
    progress = _Progress()
    try:
        run = await execute_run(lambda: _system(container, "sync"), container.platform, run.id or 0,
                                container.jobs.sync_options(), progress)
    finally:
        progress.close()
    for kind, counts in run.counts.items():
        label = DirectoryKind(kind).label
        typer.echo(f"{label}：拉取 {counts['fetched']}，新增 {counts['created']}，更新 {counts['updated']}，"
                   f"未变 {counts['unchanged']}，停用 {counts['retired']}，隔离 {counts['quarantined']}")
    for kind, drift in (run.drift or {}).items():
        typer.echo(f"{DirectoryKind(kind).label} 对账差异：平台有本地无 {drift['remote_only']}，内容不同 {drift['changed']}，"
                   f"本地有平台无 {drift['local_only']}")
    if run.status is not SyncStatus.SUCCEEDED:
        typer.secho(f"同步任务 {run.id} 失败：{run.error_message}（{run.error_code}）", fg=typer.colors.RED, err=True)
        raise typer.Exit(1)
    typer.echo(f"同步任务 {run.id} 已完成（{settings.provincial.base_url or '内置模拟器'}）")
    return run


@cli.command()
def sync(
    kind: Annotated[list[DirectoryKind] | None, typer.Option(help="目录（可重复）；默认三个目录")] = None,
    mode: Annotated[SyncMode, typer.Option(help="incremental 增量；full 全量对账")] = SyncMode.INCREMENTAL,
) -> None:
    """从省级平台“冀上双随机”同步抽查事项清单、检查对象名录库、执法检查人员名录库。"""

    async def work(c: Container) -> None:
        await _migrate(c.settings, quiet=True)
        await ensure_reference_data(_system(c, "loader"))
        await _sync(c, list(kind or SYNC_ORDER), mode, SyncTrigger.CLI)

    _run(work)


@cli.command("load-plans")
def load_plans(
    file: Annotated[Path | None, typer.Argument(help="计划文件（默认为随服务提供的 2026 年度计划）")] = None,
) -> None:
    """从年度随机抽查工作计划文件载入抽查计划与任务（已存在的计划不重复载入）。"""
    document = file or PLAN_DOCUMENT

    async def work(c: Container) -> None:
        await _migrate(c.settings, quiet=True)
        await ensure_reference_data(_system(c, "loader"))
        plans = parse_plan_document(document.read_text(encoding="utf-8"))
        added = await load_seed(_system(c, "loader"), plans)
        typer.echo(f"读取抽查计划 {len(plans)} 个，新增 {added} 个：{'、'.join(p.plan_no for p in plans)}")

    _run(work)


@cli.command("outbox-relay")
def outbox_relay() -> None:
    """推送到期的待发送消息（任务登记、抽取结果、检查结果），直到没有可发送的为止。"""

    async def work(c: Container) -> None:
        report = await c.jobs.relay()
        typer.echo(f"本轮推送：领取 {report.claimed}，送达 {report.delivered}，稍后重试 {report.retried}，"
                   f"转为死信 {report.dead}，被拒单条 {report.rejected_records}")

    _run(work)


@cli.command()
def migrate() -> None:
    """数据库迁移到最新版本。"""
    try:
        asyncio.run(_migrate(get_settings()))
    except RoleError as exc:
        typer.secho(f"错误：{exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(1) from exc


@cli.command()
def init() -> None:
    """迁移数据库并加载单位与抽查事项清单（可重复执行）。"""
    _run(lambda c: _prepare(c, demo_enterprises=None))


@cli.command("create-admin")
def create_admin(
    username: Annotated[str, typer.Option(help="用户名")] = "admin",
    password: Annotated[str, typer.Option(prompt="密码", hide_input=True, confirmation_prompt=True,
                                          help="至少 10 位，含三类字符")] = "",
    department: Annotated[str, typer.Option(help="所属单位代码")] = "BGS",
) -> None:
    """创建首个系统管理员。"""

    async def work(c: Container) -> None:
        user = await bootstrap_admin(_system(c), c.hasher, username=username, password=password,
                                     department_code=department)
        typer.echo(f"已创建系统管理员 {user.username}（编号 {user.id}）")

    _run(work)


@cli.command()
def demo(
    enterprises: Annotated[int, typer.Option(help="企业数量", min=0, max=1_000_000)] = 3000,
    seed: Annotated[int, typer.Option(help="随机种子（同一种子生成相同数据）")] = 2026,
) -> None:
    """生成演示数据：企业、各单位执法人员、各角色演示账号（生产环境不可用）。"""
    settings = get_settings()
    if settings.environment is Environment.PRODUCTION:
        typer.secho("生产环境不能生成演示数据", fg=typer.colors.RED, err=True)
        raise typer.Exit(1)
    settings.demo.seed = seed
    settings.provincial.simulator_enterprises = enterprises
    _run(lambda c: _prepare(c, demo_enterprises=enterprises), settings)
    _print_demo_accounts()


def _print_demo_accounts() -> None:
    typer.echo(f"演示账号（密码均为 {DEMO_PASSWORD}）：" + "、".join(f"{u}（{r.label}）" for u, _, r, _ in DEMO_USERS))


def _import_command(kind: str, file: Path, valid_only: bool, dry_run: bool) -> None:
    content = file.read_bytes()

    async def work(c: Container) -> None:
        mode = ImportMode.VALID_ONLY if valid_only else ImportMode.ALL_OR_NOTHING
        run = import_enterprises if kind == "enterprises" else import_inspectors
        report = await run(_system(c), system_principal("cli"), c.tables, content, file.name,
                           mode=mode, dry_run=dry_run, max_rows=c.settings.limits.max_import_rows)
        typer.echo(f"共 {report.total} 行：新增 {report.created}，更新 {report.updated}，未变 {report.unchanged}，"
                   f"错误 {report.rejected}；{'已写入' if report.applied else '未写入'}")
        for row in report.errors[:50]:
            typer.echo(f"  第 {row.row} 行 {row.key or ''}：" + "；".join(p.message_zh for p in row.errors))
        if report.rejected and not report.applied:
            raise typer.Exit(2)

    _run(work)


FileArgument = Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="CSV 或 XLSX 文件")]
ValidOnly = Annotated[bool, typer.Option(help="只导入正确的行（默认：有错误行则全部不导入）")]
DryRun = Annotated[bool, typer.Option(help="只校验、不写入")]


@cli.command("import-enterprises")
def import_enterprises_command(file: FileArgument, valid_only: ValidOnly = False, dry_run: DryRun = False) -> None:
    """从 CSV/XLSX 导入企业名录（按统一社会信用代码新增或更新）。"""
    _import_command("enterprises", file, valid_only, dry_run)


@cli.command("import-inspectors")
def import_inspectors_command(file: FileArgument, valid_only: ValidOnly = False, dry_run: DryRun = False) -> None:
    """从 CSV/XLSX 导入执法人员名录（按人员编号新增或更新）。"""
    _import_command("inspectors", file, valid_only, dry_run)


def openapi_document() -> dict[str, Any]:
    from app.main import create_app

    settings = Settings(docs_enabled=True)
    spec: dict[str, Any] = json.loads(json.dumps(create_app(settings).openapi()))
    return spec


def openapi_yaml() -> str:
    return yaml.safe_dump(openapi_document(), allow_unicode=True, sort_keys=False, width=120)


@cli.command("export-openapi")
def export_openapi(
    output: Annotated[Path, typer.Option(help="输出文件")] = Path("openapi.yaml"),
) -> None:
    """从应用生成 openapi.yaml（接口契约）。"""
    output.write_text(openapi_yaml(), encoding="utf-8")
    typer.echo(f"已写入 {output}")


@cli.command()
def serve(
    host: Annotated[str, typer.Option(help="监听地址")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="端口")] = 8000,
    demo_enterprises: Annotated[int | None, typer.Option(help="首次启动生成的演示企业数量；0 表示不生成")] = None,
) -> None:
    """迁移数据库、加载基础数据（开发环境另加载演示数据），然后启动服务。"""
    import uvicorn

    settings = get_settings()
    with_demo = settings.environment is not Environment.PRODUCTION
    count = demo_enterprises if demo_enterprises is not None else settings.demo.enterprises
    if settings.provincial.base_url is None and with_demo:
        # The embedded simulator serves the demo population; the server process builds its own, the same.
        settings.provincial.simulator_enterprises = count
        os.environ["PROVINCIAL__SIMULATOR_ENTERPRISES"] = str(count)
    _run(lambda c: _prepare(c, demo_enterprises=count if with_demo and count > 0 else None), settings)
    if with_demo and count > 0:
        _print_demo_accounts()
    typer.echo(f"接口文档：http://{host}:{port}/docs")
    uvicorn.run("app.main:create_app", factory=True, host=host, port=port, log_config=None)


db_cli = typer.Typer(help="数据库角色与授权", no_args_is_help=True)
cli.add_typer(db_cli, name="db")


@db_cli.command("grant-app-role")
def grant_app_role_command(
    role: Annotated[str, typer.Argument(help="应用角色名（服务以该角色连接数据库）")],
    password: Annotated[str | None, typer.Option(envvar="QHD_APP_ROLE_PASSWORD",
                                                 help="新建角色或更改密码时的口令（也可由环境变量 QHD_APP_ROLE_PASSWORD 给出）")] = None,
    create: Annotated[bool, typer.Option(help="角色不存在时创建（需要 CREATEROLE 权限）")] = True,
) -> None:
    """创建（如不存在）并授权应用角色：普通表可增删改查，审计表只能查询与追加，可执行过期审计记录清理函数（PostgreSQL）。

    以表的所有者连接（DATABASE__MIGRATION_URL，未设置时为 DATABASE__URL）；每次迁移后需重新授权（设置 DATABASE__APP_ROLE
    后 migrate 自动完成）。"""
    settings = get_settings()
    if not _valid_role_name(role):
        typer.secho("错误：角色名只能由小写字母、数字和下划线组成，且不以数字开头", fg=typer.colors.RED, err=True)
        raise typer.Exit(2)
    try:
        grants = asyncio.run(grant_app_role(settings.database.owner_url, role, schema=settings.database.schema_name,
                                            password=password, create=create))
    except RoleError as exc:
        typer.secho(f"错误：{exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"{'已创建并授权' if grants.created else '已授权'}应用角色 {grants.role}（模式 {grants.schema}）："
               f"{grants.tables} 张表，其中审计表 {'、'.join(grants.audit_tables)} 只能查询与追加")


def _valid_role_name(role: str) -> bool:
    import re

    return re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", role) is not None


audit_cli = typer.Typer(help="审计留痕", no_args_is_help=True)
cli.add_typer(audit_cli, name="audit")


@audit_cli.command("purge")
def audit_purge() -> None:
    """清理超过保存期限（AUDIT__RETENTION_DAYS，至少 186 天）的审计记录：只清理到已签名的检查点，先校验审计链，
    留下签名锚点，清理本身也记入审计链。"""

    async def work(c: Container) -> None:
        report = await c.jobs.purge()
        if report.anchor is None:
            typer.echo(f"无需清理：{report.reason}（保存期限起点 {report.cutoff:%Y-%m-%d %H:%M} UTC）")
            return
        typer.echo(f"已清理审计记录 {report.purged} 条（至第 {report.anchor.seq} 条，早于 {report.cutoff:%Y-%m-%d %H:%M} UTC）；"
                   f"签名锚点 {report.anchor.hash[:16]}…")

    _run(work)


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
