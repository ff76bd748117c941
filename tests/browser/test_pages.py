"""The public pages as a phone shows them: the HTML comes from the real app (httpx, the test database), headless
Chromium renders it 390 px wide and the screenshots are kept in test-artifacts/ at the repository root.

Needs Debian's ``chromium`` and a CJK font (``apt-get install chromium fonts-noto-cjk``; scripts/test installs both when
run as root). Without chromium the tests are skipped, except when CI=true: then they fail."""

from __future__ import annotations

import asyncio
import os
import shutil
import struct
import subprocess
import warnings
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest

from app.deps import Container
from tests.api.test_draws import ready  # noqa: F401 - the fixture is used by name
from tests.api.test_onsite import Site, check_in, enterprise_code, site  # noqa: F401 - site is a fixture

Who = dict[str, dict[str, str]]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
WIDTH, HEIGHT = 390, 1800
IN_CI = os.environ.get("CI") == "true"
#: Attributes through which a page loads or points at something (form actions post back to the service itself).
LOADING = {"src", "srcset", "href", "data", "poster", "background", "action", "formaction", "xlink:href", "content"}
INSTALL = "apt-get install -y chromium fonts-noto-cjk (or run scripts/test as root)"


@pytest.fixture(scope="session")
def chromium() -> str:
    path = shutil.which("chromium")
    if path is None:
        if IN_CI:
            pytest.fail(f"chromium is not installed but CI=true: the page-rendering tests need it; {INSTALL}",
                        pytrace=False)
        pytest.skip(f"chromium is not installed; to render the public pages: {INSTALL}")
    fc_list = shutil.which("fc-list")
    cjk = fc_list and subprocess.run([fc_list, ":lang=zh"], capture_output=True, text=True,  # noqa: S603
                                     timeout=30, check=False).stdout.strip()
    if not cjk:
        if IN_CI:
            pytest.fail(f"no CJK font (fc-list :lang=zh is empty): Chinese would render as boxes; {INSTALL}",
                        pytrace=False)
        warnings.warn(f"no CJK font installed, screenshots will show boxes: {INSTALL}", stacklevel=1)
    return path


def _run(command: list[str], profile: Path) -> subprocess.CompletedProcess[str]:
    profile.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(  # noqa: S603 - a fixed argument list, no shell
        [command[0], "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         f"--user-data-dir={profile}", *command[1:]],
        capture_output=True, text=True, timeout=60, check=False,
        env={**os.environ, "XDG_CONFIG_HOME": str(profile / "config"), "XDG_CACHE_HOME": str(profile / "cache")})
    assert done.returncode == 0, f"chromium exited with {done.returncode}: {done.stderr[-2000:]}"
    return done


def screenshot(chromium: str, html: Path, png: Path) -> bytes:
    png.unlink(missing_ok=True)
    _run([chromium, "--hide-scrollbars", f"--window-size={WIDTH},{HEIGHT}", f"--screenshot={png}", html.as_uri()],
         html.parent / f"profile-{png.stem}")
    assert png.is_file(), f"chromium wrote no screenshot to {png}"
    return png.read_bytes()


def dump_dom(chromium: str, html: Path) -> str:
    return _run([chromium, "--dump-dom", html.as_uri()], html.parent / "profile-dom").stdout


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    assert data[12:16] == b"IHDR", "a PNG starts with its IHDR chunk"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.fixture(scope="session")
def blank_png(chromium: str, tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """An empty page of the same size: what a screenshot with nothing on it weighs."""
    folder = tmp_path_factory.mktemp("blank")
    html = folder / "blank.html"
    html.write_text('<!doctype html><html><head><meta charset="utf-8"></head><body></body></html>', encoding="utf-8")
    return screenshot(chromium, html, folder / "blank.png")


class Resources(HTMLParser):
    """Collects what a page would load: scripts, and every absolute http(s) URL in an attribute or in CSS."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts = 0
        self.external: list[str] = []
        self.css: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.scripts += tag == "script"
        self._in_style = tag == "style"
        for name, value in attrs:
            if name.startswith("on"):
                self.external.append(f"<{tag} {name}> inline handler")
            elif name == "style" and value:
                self.css.append(value)
            elif (name in LOADING and value and ("://" in value or value.lstrip().startswith("//"))
                  and not (tag == "form" and name == "action")):
                self.external.append(f"<{tag} {name}={value!r}>")
        if tag in ("link", "iframe", "object", "embed", "base"):
            self.external.append(f"<{tag}>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.css.append(data)


def assert_self_contained(html: str) -> None:
    assert "<script" not in html.lower()
    found = Resources()
    found.feed(html)
    found.close()
    assert found.scripts == 0
    assert found.external == [], "the page must load nothing from elsewhere"
    css = " ".join(found.css).lower()
    assert "url(" not in css
    assert "@import" not in css
    assert "http://" not in css
    assert "https://" not in css


async def render(chromium: str, html: str, folder: Path, name: str, blank: bytes) -> str:
    """Renders the page: keeps the screenshot as test-artifacts/<name>, checks it and returns Chromium's DOM."""
    assert_self_contained(html)
    page = folder / f"{Path(name).stem}.html"
    page.write_text(html, encoding="utf-8")
    ARTIFACTS.mkdir(exist_ok=True)
    shot, dom = await asyncio.gather(asyncio.to_thread(screenshot, chromium, page, ARTIFACTS / name),
                                     asyncio.to_thread(dump_dom, chromium, page))
    width, height = png_size(shot)
    assert width == WIDTH
    assert height > 300
    assert len(shot) > 10 * 1024, f"{name} is {len(shot)} bytes: nothing was drawn"
    assert len(shot) > 3 * len(blank), f"{name} ({len(shot)} B) is hardly more than a blank page ({len(blank)} B)"
    return dom


async def test_the_visit_page_an_enterprise_opens_by_scanning_renders_on_a_phone(
    chromium: str, blank_png: bytes, client: httpx.AsyncClient, site: Site, tmp_path: Path  # noqa: F811
) -> None:
    visit_code = await client.get(f"{site.url}/code", headers=site.phone)
    assert visit_code.status_code == 200, visit_code.text
    page = await client.get(f"/q/{visit_code.json()['code']}")
    assert page.status_code == 200, page.text
    assert page.headers["content-type"].startswith("text/html")

    dom = await render(chromium, page.text, tmp_path, "visit-page.png", blank_png)
    assert site.visit["enterprise_name"] in dom
    assert "五个严禁" in dom
    assert "组长" in dom
    assert "检查事项与依据" in dom


async def test_the_public_results_page_renders_on_a_phone(
    chromium: str, blank_png: bytes, client: httpx.AsyncClient, container: Container, site: Site,  # noqa: F811
    ready: Who, tmp_path: Path  # noqa: F811
) -> None:
    assert (await check_in(client, site, await enterprise_code(client, site, ready["zf1"]))).status_code == 201
    for item in site.visit["items"]:
        recorded = await client.put(f"{site.url}/findings/{item}", json={"outcome": "compliant"}, headers=site.phone)
        assert recorded.status_code == 200, recorded.text
    entered = await client.post(f"{site.url}/results", headers=site.phone,
                                json={"draw_id": site.draw["draw_id"], "types": ["no_problem"], "summary": "现场检查未发现问题"})
    assert entered.status_code == 201, entered.text
    result = entered.json()["id"]
    await client.post(f"{site.url}/check-out", headers=site.phone)
    reviewed = await client.post(f"/api/v1/results/{result}/review", json={"approve": True}, headers=ready["zf1"])
    assert reviewed.json()["status"] == "reviewed", reviewed.text
    published = await client.post(f"/api/v1/results/{result}/publish", headers=ready["zf1"])
    assert published.json()["status"] == "published", published.text

    page = await client.get("/public/results", params={"q": site.visit["enterprise_name"][:4]})
    assert page.status_code == 200, page.text
    assert site.visit["enterprise_name"] in page.text

    dom = await render(chromium, page.text, tmp_path, "results-page.png", blank_png)
    assert site.visit["enterprise_name"] in dom
    assert "未发现问题" in dom
    assert site.visit["uscc"] in dom
