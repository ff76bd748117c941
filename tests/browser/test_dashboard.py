"""执法监督看板: the cookie login over HTTP, then the page as headless Chromium renders it 1280 px wide (and on a
phone), the screenshots kept in test-artifacts/ at the repository root.

The data: directories synced, the 2026 plan loaded, a draw executed and scheduled, one visit checked in with a
major hazard found and a rectification order issued (so the charts, the traffic lights and the deadlines have
something to show). Chromium as in test_pages: skipped when missing, except when CI=true."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import httpx
import pytest

from tests.api.test_draws import ready  # noqa: F401 - the fixture is used by name
from tests.api.test_followup import problem_result
from tests.api.test_onsite import Site, site  # noqa: F401 - site is a fixture
from tests.browser.test_pages import (  # noqa: F401 - chromium and blank_png are fixtures
    ARTIFACTS,
    _run,
    assert_self_contained,
    blank_png,
    chromium,
    dump_dom,
    png_size,
    render,
)
from tests.conftest import PASSWORD
from tests.support import MakeUser

Who = dict[str, dict[str, str]]
WIDE, TALL = 1280, 2000
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
INDICATOR = "每季度发起内部联合随机抽查"


async def with_records(client: httpx.AsyncClient, site: Site, ready: Who, make_user: MakeUser) -> None:  # noqa: F811
    """A visit with a major hazard and its rectification order, on top of the draw the site fixture made."""
    result = await problem_result(client, site, ready)
    officer = await make_user("department", "ZF1")
    issued = await client.post("/api/v1/rectifications", headers=officer,
                               json={"result_id": result["id"], "working_days": 10})
    assert issued.status_code == 201, issued.text


async def log_in(client: httpx.AsyncClient, username: str, password: str = PASSWORD) -> httpx.Response:
    return await client.post("/dashboard/login", content=f"username={username}&password={password}",
                             headers=FORM)


async def test_the_dashboard_is_behind_a_cookie_login_and_shows_the_traffic_lights(
    client: httpx.AsyncClient, site: Site, ready: Who, make_user: MakeUser  # noqa: F811
) -> None:
    await with_records(client, site, ready, make_user)
    client.cookies.clear()

    anonymous = await client.get("/dashboard")
    assert anonymous.status_code == 303
    assert anonymous.headers["location"] == "/dashboard/login"
    form = await client.get("/dashboard/login")
    assert form.status_code == 200
    assert 'name="password"' in form.text
    assert form.headers["content-security-policy"].startswith("default-src 'none'")

    wrong = await log_in(client, "zjk.chief", "Wrong-Passw0rd!")
    assert wrong.status_code == 401
    assert "用户名或密码错误" in wrong.text
    assert "set-cookie" not in wrong.headers
    as_json = await client.post("/dashboard/login", json={"username": "zjk.chief", "password": PASSWORD})
    assert as_json.status_code == 415  # a form post only: no cross-site JSON or multipart login
    assert "set-cookie" not in as_json.headers

    logged_in = await log_in(client, "zjk.chief")
    assert logged_in.status_code == 303, logged_in.text
    assert logged_in.headers["location"] == "/dashboard"
    cookie = logged_in.headers["set-cookie"]
    assert cookie.startswith("qhd_dashboard=")
    for attribute in ("HttpOnly", "Path=/dashboard", "SameSite=strict", "Max-Age=1800"):
        assert attribute.lower() in cookie.lower(), cookie
    assert "secure" not in cookie.lower()  # plain http here; set over https only

    page = await client.get("/dashboard")
    assert page.status_code == 200, page.text
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["cache-control"] == "no-store"
    html = page.text
    assert INDICATOR in html
    assert "2026 年第 4 季度" in html
    for heading in ("合规指标", "抽查与检查（按月）", "信用风险分类与隐患整改", "期限：已逾期与 30 日内到期"):
        assert heading in html
    for unit in ("全局", "执法一大队", "执法二大队", "执法三大队"):
        assert f"{unit}：启动抽查与实施检查" in html
    assert html.count("<svg") == 6
    assert "2026 年 11 月 启动抽查（次）：1" in html  # the draw, as a bar with its tooltip
    assert "2026 年 11 月 重大事故隐患（项）：1" in html
    assert "限期整改（秦应急执一〔2026〕第 1 号）" in html  # the order falls due within 30 days
    assert re.search(r"抽中企业（\d+ 家）", html)
    assert_self_contained(html)

    other = await client.get("/dashboard", params={"year": "2025", "quarter": "2"})
    assert other.status_code == 200
    assert "2025 年第 2 季度" in other.text
    assert (await client.get("/dashboard", params={"quarter": "5"})).status_code == 422

    logged_out = await client.post("/dashboard/logout", headers=FORM)
    assert logged_out.status_code == 303
    assert logged_out.headers["location"] == "/dashboard/login"
    assert (await client.get("/dashboard")).status_code == 303

    await make_user("inspector", "ZF1", username="zf1.inspector")
    assert (await log_in(client, "zf1.inspector")).status_code == 303
    refused = await client.get("/dashboard")
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("text/html")
    assert "compliance:read" in refused.text
    client.cookies.clear()
    client.cookies.set("qhd_dashboard", "not-a-token", path="/dashboard")
    forged = await client.get("/dashboard")
    assert forged.status_code == 303
    assert forged.headers["location"] == "/dashboard/login"
    client.cookies.clear()


def wide_screenshot(chromium: str, html: Path, png: Path) -> bytes:  # noqa: F811
    png.unlink(missing_ok=True)
    _run([chromium, "--hide-scrollbars", f"--window-size={WIDE},{TALL}", f"--screenshot={png}", html.as_uri()],
         html.parent / f"profile-{png.stem}")
    assert png.is_file(), f"chromium wrote no screenshot to {png}"
    return png.read_bytes()


@pytest.fixture(scope="session")
def blank_wide(chromium: str, tmp_path_factory: pytest.TempPathFactory) -> bytes:  # noqa: F811
    folder = tmp_path_factory.mktemp("blank-wide")
    html = folder / "blank.html"
    html.write_text('<!doctype html><html><head><meta charset="utf-8"></head><body></body></html>', encoding="utf-8")
    return wide_screenshot(chromium, html, folder / "blank.png")


async def test_the_dashboard_renders_on_a_desk_and_on_a_phone(
    chromium: str, blank_wide: bytes, blank_png: bytes, client: httpx.AsyncClient, site: Site,  # noqa: F811
    ready: Who, make_user: MakeUser, tmp_path: Path  # noqa: F811
) -> None:
    await with_records(client, site, ready, make_user)
    client.cookies.clear()
    assert (await log_in(client, "zjk.chief")).status_code == 303
    page = await client.get("/dashboard")
    client.cookies.clear()
    assert page.status_code == 200, page.text
    assert_self_contained(page.text)

    html = tmp_path / "dashboard.html"
    html.write_text(page.text, encoding="utf-8")
    ARTIFACTS.mkdir(exist_ok=True)
    shot, dom = await asyncio.gather(asyncio.to_thread(wide_screenshot, chromium, html, ARTIFACTS / "dashboard.png"),
                                     asyncio.to_thread(dump_dom, chromium, html))
    assert png_size(shot) == (WIDE, TALL)
    assert len(shot) > 10 * 1024, f"dashboard.png is {len(shot)} bytes: nothing was drawn"
    assert len(shot) > 3 * len(blank_wide), f"dashboard.png ({len(shot)} B) is hardly more than a blank page"
    assert INDICATOR in dom
    assert "执法三大队：启动抽查与实施检查" in dom
    assert dom.count("<rect") > 10  # bars and legend keys survived the parser

    (tmp_path / "phone").mkdir()
    phone = await render(chromium, page.text, tmp_path / "phone", "dashboard-phone.png", blank_png)
    assert INDICATOR in phone
