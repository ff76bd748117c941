"""执法监督看板: a server-rendered page for 执法监督科 (compliance traffic lights, activity charts as inline SVG,
deadlines), behind a cookie login, since browsers send no Bearer header.

The cookie holds the same JWT the API issues at ``POST /api/v1/auth/token`` (the same login function, the same
lifetime) and is ``HttpOnly``, ``SameSite=Strict``, ``Path=/dashboard`` and ``Secure`` over HTTPS. Against CSRF the
login and logout forms accept ``application/x-www-form-urlencoded`` only, and a strict same-site cookie is never sent
with another site's request. These routes authenticate themselves (a missing or invalid cookie redirects to the
login form), so ``app.main.PUBLIC_ROUTES`` lists them; they stay out of the OpenAPI document (HTML, not API)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.deps import Container, ContainerDep, PublicUow, UnitOfWorkFactory, actor_of, rate_limit, token_principal
from app.domain.auth import service as auth
from app.domain.auth.model import Permission, Principal
from app.domain.errors import AuthenticationFailed, DomainError, TooManyRequests
from app.domain.reports import dashboard as service
from app.domain.reports.dashboard import LIGHT_LABELS
from app.routers.errors import status_of
from app.routers.pages import render

router = APIRouter(tags=["执法监督看板 dashboard"], include_in_schema=False)
COOKIE = "qhd_dashboard"
COOKIE_PATH = "/dashboard"
FORM = "application/x-www-form-urlencoded"
PeriodText = Annotated[str | None, Query(max_length=4)]


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def _path(request: Request, name: str) -> str:
    return request.url_for(name).path


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303, headers={"Cache-Control": "no-store"})


def _form_only(request: Request) -> bool:
    return request.headers.get("content-type", "").split(";")[0].strip().lower() == FORM


async def _cookie_principal(request: Request, uow: UnitOfWorkFactory, container: Container) -> Principal | None:
    """The user whose access token the cookie holds; None without a cookie or with an invalid or expired one."""
    token = request.cookies.get(COOKIE)
    if not token or token.startswith(f"{auth.API_KEY_PREFIX}_"):
        return None
    try:
        principal = await token_principal(container, token, uow.actor)
    except AuthenticationFailed:
        return None
    request.state.principal = principal
    return principal


def _login_page(request: Request, status_code: int = 200, error: str | None = None,
                username: str = "") -> HTMLResponse:
    return render("login.html", status_code, title="执法监督看板登录", error=error, username=username,
                  action=_path(request, "dashboard_login_submit"))


def _period(text: str | None, low: int, high: int) -> int | None:
    if not text:
        return None
    if not text.isdigit() or not low <= int(text) <= high:
        raise ValueError(text)
    return int(text)


@router.get("/dashboard", name="dashboard", response_class=HTMLResponse)
async def dashboard_page(request: Request, container: ContainerDep, public: PublicUow, year: PeriodText = None,
                         quarter: Annotated[str | None, Query(max_length=1)] = None) -> Response:
    principal = await _cookie_principal(request, public, container)
    if principal is None:
        response: Response = _redirect(_path(request, "dashboard_login"))
        if request.cookies.get(COOKIE):
            response.delete_cookie(COOKIE, path=COOKIE_PATH, secure=_secure(request), httponly=True,
                                   samesite="strict")
        return response
    if not principal.can(Permission.COMPLIANCE_READ):
        return render("message.html", 403, title="无权访问", heading="无权查看执法监督看板",
                      message=f"当前角色（{principal.role.label}）无“{Permission.COMPLIANCE_READ.value}”权限。"
                              "请使用执法监督科或业务科室、执法大队的账号登录。", code="auth.forbidden")
    try:
        chosen_year, chosen_quarter = _period(year, 2000, 2100), _period(quarter, 1, 4)
    except ValueError:
        return render("message.html", 422, title="参数有误", heading="年度或季度不合法",
                      message="年度应为 2000～2100 的四位数字，季度应为 1～4。", code="dashboard.period_invalid")
    uow = UnitOfWorkFactory(container, actor_of(principal, request))
    try:
        board = await service.dashboard(uow.read(), principal, container.calendar, year=chosen_year,
                                        quarter=chosen_quarter, today=container.clock.today())
    except DomainError as error:
        return render("message.html", status_of(error), title="无法生成看板", heading="无法生成看板",
                      message=error.message_zh, code=error.code)
    return render("dashboard.html", title="执法监督看板", board=board, principal=principal,
                  light_labels=LIGHT_LABELS, action=_path(request, "dashboard"),
                  logout=_path(request, "dashboard_logout"))


@router.get("/dashboard/login", name="dashboard_login", response_class=HTMLResponse)
async def login_form(request: Request) -> HTMLResponse:
    return _login_page(request)


@router.post("/dashboard/login", name="dashboard_login_submit", response_class=HTMLResponse,
             dependencies=[Depends(rate_limit("login"))])
async def login(request: Request, container: ContainerDep, public: PublicUow) -> Response:
    if not _form_only(request):
        return _login_page(request, 415, "登录表单只接受 application/x-www-form-urlencoded 格式提交")
    try:
        fields = parse_qs((await request.body()).decode("utf-8"), keep_blank_values=True, max_num_fields=8)
    except (UnicodeDecodeError, ValueError):
        return _login_page(request, 400, "表单内容无法识别")
    username = (fields.get("username") or [""])[0].strip()
    password = (fields.get("password") or [""])[0]
    otp = (fields.get("otp") or [""])[0].strip()[:8] or None
    if not username or not password or len(username) > 64 or len(password) > 128:
        return _login_page(request, 422, "请填写用户名（不超过 64 位）和密码（不超过 128 位）", username[:64])
    settings = container.settings.auth
    try:
        issued = await auth.login(public.write(), container.hasher, container.tokens, username, password,
                                  minutes=settings.access_token_minutes,
                                  lockout=auth.LockoutPolicy(settings.max_failed_logins, settings.lockout_minutes),
                                  otp=otp, second_factor=container.otp)
    except AuthenticationFailed as error:
        return _login_page(request, 401, error.message_zh, username)
    except TooManyRequests as error:
        return _login_page(request, 429, error.message_zh, username)
    response = _redirect(_path(request, "dashboard"))
    response.set_cookie(COOKIE, issued.access_token, max_age=issued.expires_in, path=COOKIE_PATH,
                        secure=_secure(request), httponly=True, samesite="strict")
    return response


@router.post("/dashboard/logout", name="dashboard_logout")
async def logout(request: Request, container: ContainerDep, public: PublicUow) -> Response:
    if not _form_only(request):
        return _login_page(request, 415, "退出登录只接受表单提交")
    principal = await _cookie_principal(request, public, container)
    if principal is not None:  # the session ends: the cookie's token is refused even if replayed
        await auth.logout(UnitOfWorkFactory(container, actor_of(principal, request)).write(), principal)
    response = _redirect(_path(request, "dashboard_login"))
    response.delete_cookie(COOKIE, path=COOKIE_PATH, secure=_secure(request), httponly=True, samesite="strict")
    return response
