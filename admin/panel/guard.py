"""The panel's gate: language, session, role, CSRF and Origin, decided before any handler.

Every route is registered with an :class:`Access` level, and nothing else decides who
may call it: a route without one is refused.  Roles are checked here, not in views:

* ``READER`` pages need a signed-in coordinator or expert;
* every unsafe request but the sign-in's own (``PUBLIC``, ``PENDING``, ``SIGN_OUT``)
  needs a coordinator — an expert's POST is refused whatever it is;
* every POST must come from this site (``Origin``, else ``Referer``; neither: refused)
  and carry the CSRF token in its form: the session's, or before a session exists the
  double-submit cookie of the sign-in form.

A contact's chat session cookie is another cookie over another table: it opens nothing
here.  Responses get a Content-Security-Policy without inline code.
"""

from __future__ import annotations

import enum
import hmac
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web
from yarl import URL

from admin.panel.web import (
    CSRF_FIELD,
    CURRENT_VISITOR,
    LANG_COOKIE,
    PRE_COOKIE,
    PREFIX,
    SESSION_COOKIE,
    Visitor,
    error_page,
    panel_of,
)
from dialogs import i18n
from storage.models import PanelStage

log = logging.getLogger(__name__)

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class Access(enum.StrEnum):
    """Who may call a route."""

    PUBLIC = "public"  # anyone (the sign-in form, static files)
    PENDING = "pending"  # a right password, the code still awaited
    SIGN_OUT = "sign_out"  # any session, even a pending one
    READER = "reader"  # a signed-in coordinator or expert; GET only
    COORDINATOR = "coordinator"  # a signed-in coordinator


ACCESS_KEY = web.AppKey("panel_access", dict)
#: route name → the largest body it takes, where more than the application's 1 MB
BODY_LIMITS_KEY = web.AppKey("panel_body_limits", dict)


def negotiate(accept_language: str | None) -> str:
    """The best of ru/kk/en for an ``Accept-Language`` header; Russian by default."""
    best: tuple[float, int, str] | None = None
    for n, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        name, _, value = params.strip().partition("=")
        if name == "q":
            try:
                q = float(value)
            except ValueError:
                q = 0.0
        base = tag.strip().replace("_", "-").split("-")[0].lower()
        if base in i18n.LANGUAGES and q > 0 and (best is None or (q, -n) > best[:2]):
            best = (q, -n, base)
    return best[2] if best else i18n.SOURCE_LANGUAGE


def choose_language(request: web.Request) -> tuple[str, bool]:
    """(language, whether the ``?lang=`` switch chose it now and the cookie must remember it)."""
    asked = request.query.get("lang")
    if asked in i18n.LANGUAGES:
        return asked, True
    kept = request.cookies.get(LANG_COOKIE)
    if kept in i18n.LANGUAGES:
        return kept, False
    return negotiate(request.headers.get("Accept-Language")), False


def same_origin(request: web.Request) -> bool:
    """The request comes from a page of this site (``Origin``, else ``Referer``)."""
    panel = panel_of(request)
    allowed = {str(panel.public.origin()), str(request.url.origin())}
    origin = request.headers.get("Origin")
    if origin is not None:
        return origin in allowed
    referer = request.headers.get("Referer")
    if not referer:
        return False
    try:
        return str(URL(referer).origin()) in allowed
    except ValueError:
        return False


def _token_matches(expected: str | None, given: object) -> bool:
    if not expected or not isinstance(given, str) or not given:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())


def _sign_in_redirect(request: web.Request) -> web.HTTPSeeOther:
    target = URL(f"{PREFIX}/sign-in")
    if request.method == "GET" and request.path not in (PREFIX, f"{PREFIX}/"):
        target = target.with_query(next=str(request.rel_url))
    return web.HTTPSeeOther(str(target))


async def _admit(request: web.Request, access: Access, who: Visitor) -> web.StreamResponse | None:
    """None if the request may go on; otherwise the refusal to send."""
    stage = who.session.stage if who.session is not None else None
    if access is Access.PENDING and stage not in (PanelStage.TOTP, PanelStage.ENROL):
        raise _sign_in_redirect(request)
    if access is Access.SIGN_OUT and stage is None:
        raise _sign_in_redirect(request)
    if access in (Access.READER, Access.COORDINATOR) and stage != PanelStage.FULL:
        if request.method in UNSAFE_METHODS:
            return error_page(request, 403, "expired")
        raise _sign_in_redirect(request)
    if access is Access.COORDINATOR and not who.is_coordinator:
        return error_page(request, 403)
    if access is Access.READER and request.method in UNSAFE_METHODS:
        return error_page(request, 403)
    if request.method not in UNSAFE_METHODS:
        return None
    if not same_origin(request):
        log.warning("panel: cross-origin %s %s refused", request.method, request.path)
        return error_page(request, 403, "rejected")
    form = await request.post()
    expected = request.cookies.get(PRE_COOKIE) if access is Access.PUBLIC else (
        who.session.csrf if who.session is not None else None
    )  # fmt: skip
    if not _token_matches(expected, form.get(CSRF_FIELD)):
        log.warning("panel: %s %s without its CSRF token refused", request.method, request.path)
        return error_page(request, 403, "rejected")
    return None


@web.middleware
async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Resolve the visitor, admit or refuse, and turn failures into the panel's own pages."""
    panel = panel_of(request)
    lang, switched = choose_language(request)
    raw = request.cookies.get(SESSION_COOKIE)
    found = await panel.store.get_panel_session(raw, now=panel.clock())
    who = Visitor(lang, raw, *found) if found is not None else Visitor(lang)
    token = CURRENT_VISITOR.set(who)
    try:
        return await _answer(request, handler, who, switched)
    finally:
        CURRENT_VISITOR.reset(token)


async def _answer(
    request: web.Request, handler: Handler, who: Visitor, switched: bool
) -> web.StreamResponse:
    panel = panel_of(request)
    name = request.match_info.route.name
    access = request.app[ACCESS_KEY].get(name)
    limit = request.app[BODY_LIMITS_KEY].get(name)
    if limit is not None:  # an upload: only this route reads a larger body
        request = request.clone(client_max_size=limit)
    try:
        if access is None:
            raise web.HTTPNotFound()
        response = await _admit(request, access, who) or await handler(request)
    except (web.HTTPNotFound, web.HTTPMethodNotAllowed) as exc:
        response = error_page(request, 404 if isinstance(exc, web.HTTPNotFound) else 405)
    except web.HTTPRequestEntityTooLarge:
        response = error_page(request, 413, "too_large")
    except web.HTTPException:
        raise
    except Exception:
        log.exception("panel: %s %s failed", request.method, request.path)
        response = error_page(request, 500)
    if switched:
        response.set_cookie(
            LANG_COOKIE, who.lang, max_age=365 * 24 * 3600, path=PREFIX, httponly=True,
            secure=panel.secure, samesite="Lax",
        )  # fmt: skip
    return response


async def security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """The panel's headers (after the chat application's, which they override here)."""
    headers = response.headers
    headers["Content-Security-Policy"] = CSP
    headers["Referrer-Policy"] = "same-origin"  # so that form POSTs carry their Origin
    headers["X-Frame-Options"] = "DENY"
    headers["X-Content-Type-Options"] = "nosniff"
    static = request.path.startswith(f"{PREFIX}/static/")
    headers["Cache-Control"] = "no-cache" if static else "no-store"
    if panel_of(request).secure:
        headers["Strict-Transport-Security"] = "max-age=31536000"
