"""Sign-in (login and password), the TOTP step (and its first set-up), sign-out."""

from __future__ import annotations

import secrets

from aiohttp import web
from yarl import URL

from admin.accounts import provisioning_uri, qr_svg
from admin.panel.auth import PENDING_TTL, Result
from admin.panel.texts import PROBLEMS, translate
from admin.panel.web import (
    PRE_COOKIE,
    PREFIX,
    SESSION_COOKIE,
    client_address,
    form_value,
    panel_of,
    render,
    see_other,
    visitor,
    when,
)
from dialogs.i18n import N_
from storage.models import PanelStage

HOME = f"{PREFIX}/campaigns"
CODE_PAGE = f"{PREFIX}/sign-in/code"


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a panel page of this site, never elsewhere."""
    if (
        not target
        or not target.startswith(f"{PREFIX}/")
        or target.startswith("//")
        or "\\" in target
        or target.startswith(f"{PREFIX}/sign-")
    ):
        return HOME
    return target


def _set_session(request: web.Request, response: web.StreamResponse, raw: str) -> None:
    response.set_cookie(
        SESSION_COOKIE, raw, path=PREFIX, httponly=True, secure=panel_of(request).secure,
        samesite="Strict",
    )  # fmt: skip


def _problem(request: web.Request, result: Result) -> str:
    lang = visitor(request).lang
    if result.outcome == "locked":
        return translate(lang, PROBLEMS["locked"], until=when(result.locked_until))
    return translate(lang, PROBLEMS["disabled" if result.outcome == "disabled" else "wrong"])


def _sign_in_form(
    request: web.Request, *, problem: str = "", login: str = "", target: str = "",
    status: int = 200,
) -> web.Response:  # fmt: skip
    token = request.cookies.get(PRE_COOKIE) or ""
    if len(token) < 32:
        token = secrets.token_urlsafe(32)
    context = {
        "pre_csrf": token,
        "next": safe_next(target or request.query.get("next")),
        "problem": problem,
        "login": login,
    }
    response = render(request, "sign_in.html", context, status=status)
    response.set_cookie(
        PRE_COOKIE, token, path=PREFIX, httponly=True, secure=panel_of(request).secure,
        samesite="Strict",
    )  # fmt: skip
    return response


async def sign_in_page(request: web.Request) -> web.StreamResponse:
    who = visitor(request)
    if who.session is not None and who.session.stage == PanelStage.FULL:
        raise web.HTTPSeeOther(safe_next(request.query.get("next")))
    return _sign_in_form(request)


async def sign_in(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    login = form_value(form, "login", 200).strip()
    password = form_value(form, "password", 2000)
    target = safe_next(form_value(form, "next"))
    auth = panel_of(request).auth
    result = await auth.password(login, password, client_address(request))
    if result.session is None:
        # A form shown again with what was wrong is a page like any other (401 would need an
        # HTTP authentication challenge); only a lock says "too many requests".
        status = 429 if result.outcome == "locked" else 200
        return _sign_in_form(
            request, problem=_problem(request, result), login=login, target=target, status=status
        )
    await panel_of(request).store.drop_panel_session(visitor(request).session_id)
    where = target if result.outcome == "full" else URL(CODE_PAGE).with_query(next=target)
    response = see_other(where)
    _set_session(request, response, result.session)
    return response


def _code_form(
    request: web.Request, *, problem: str = "", target: str = "", status: int = 200
) -> web.Response:
    who = visitor(request)
    assert who.session is not None and who.user is not None
    enrolling = who.session.stage == PanelStage.ENROL
    context = {
        "enrolling": enrolling,
        "problem": problem,
        "next": safe_next(target or request.query.get("next")),
        "minutes": int(PENDING_TTL.total_seconds() // 60),
    }
    if enrolling and who.session.pending_secret:
        secret = who.session.pending_secret
        label = translate(who.lang, N_("QR-код для приложения-аутентификатора"))
        context["qr"] = qr_svg(provisioning_uri(secret, who.user.login), label)
        context["secret_groups"] = [secret[i : i + 4] for i in range(0, len(secret), 4)]
    return render(request, "code.html", context, status=status)


async def code_page(request: web.Request) -> web.StreamResponse:
    return _code_form(request)


async def code(request: web.Request) -> web.StreamResponse:
    who = visitor(request)
    assert who.session is not None and who.user is not None and who.session_id is not None
    form = await request.post()
    target = safe_next(form_value(form, "next"))
    result = await panel_of(request).auth.code(
        who.session_id, who.session, who.user, form_value(form, "code", 20),
        client_address(request),
    )  # fmt: skip
    if result.outcome == "locked":
        response = _sign_in_form(
            request, problem=_problem(request, result), target=target, status=429
        )
        response.del_cookie(SESSION_COOKIE, path=PREFIX)
        return response
    if result.session is None:
        problem = translate(who.lang, PROBLEMS["code"])
        return _code_form(request, problem=problem, target=target, status=200)
    response = see_other(target)
    _set_session(request, response, result.session)
    return response


async def sign_out(request: web.Request) -> web.StreamResponse:
    who = visitor(request)
    assert who.session_id is not None and who.user is not None
    await panel_of(request).auth.sign_out(who.session_id, who.user, client_address(request))
    response = see_other(f"{PREFIX}/sign-in")
    response.del_cookie(SESSION_COOKIE, path=PREFIX)
    return response
