"""The panel as an aiohttp sub-application mounted at ``/admin`` of the chat's application.

Jinja2 (through aiohttp-jinja2) renders the pages on the server: no front-end build,
no CDN; the CSS and the little JavaScript there is are files under ``/admin/static``.
Why a sub-application: its own middleware (:mod:`admin.panel.guard`), templates and
headers apply to ``/admin`` only, and the chat's routes stay as they are.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import web

from admin.accounts import Passwords
from admin.panel import (
    views_admin,
    views_auth,
    views_campaign_admin,
    views_campaign_new,
    views_campaigns,
    views_dashboard,
    views_downloads,
    views_members,
    views_org_import,
    views_organisation,
    views_reminders,
    views_review,
)
from admin.panel.auth import Auth
from admin.panel.guard import ACCESS_KEY, BODY_LIMITS_KEY, Access, guard, security_headers
from admin.panel.org_import import UPLOAD_MAX
from admin.panel.web import PANEL_KEY, PREFIX, Panel
from dialogs import i18n
from dialogs.application.settings import Settings
from dialogs.render import group
from storage.models import utcnow
from storage.repository import Store

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"

A = Access
#: (method, path, handler, name, who may call it): the whole panel.
ROUTES: list[tuple[str, str, Callable[..., Any], str, Access]] = [
    ("GET", "", views_campaigns.index, "root", A.READER),
    ("GET", "/", views_campaigns.index, "index", A.READER),
    ("GET", "/sign-in", views_auth.sign_in_page, "sign_in_page", A.PUBLIC),
    ("POST", "/sign-in", views_auth.sign_in, "sign_in", A.PUBLIC),
    ("GET", "/sign-in/code", views_auth.code_page, "code_page", A.PENDING),
    ("POST", "/sign-in/code", views_auth.code, "code", A.PENDING),
    ("POST", "/sign-out", views_auth.sign_out, "sign_out", A.SIGN_OUT),
    ("GET", "/campaigns", views_campaigns.campaigns, "campaigns", A.READER),
    ("GET", "/campaigns/new", views_campaign_new.new_page, "new_campaign_page", A.COORDINATOR),
    ("POST", "/campaigns/new", views_campaign_new.create, "create_campaign", A.COORDINATOR),
    ("GET", "/campaigns/{campaign_id}", views_campaigns.campaign, "campaign", A.READER),
    ("GET", "/campaigns/{campaign_id}/members", views_members.members, "members",
     A.COORDINATOR),
    ("POST", "/campaigns/{campaign_id}/members/add", views_members.add, "add_members",
     A.COORDINATOR),
    ("POST", "/campaigns/{campaign_id}/members/remove", views_members.remove,
     "remove_members", A.COORDINATOR),
    ("POST", "/campaigns/{campaign_id}/open", views_campaign_admin.open_, "open_campaign",
     A.COORDINATOR),
    ("POST", "/campaigns/{campaign_id}/close", views_campaign_admin.close, "close_campaign",
     A.COORDINATOR),
    ("POST", "/campaigns/{campaign_id}/deadline", views_campaign_admin.deadline,
     "move_deadline", A.COORDINATOR),
    ("GET", "/campaigns/{campaign_id}/dashboard", views_dashboard.dashboard, "dashboard",
     A.READER),
    ("GET", "/campaigns/{campaign_id}/downloads", views_downloads.downloads, "downloads",
     A.READER),
    ("GET", "/campaigns/{campaign_id}/export", views_downloads.export, "export", A.READER),
    ("GET", "/campaigns/{campaign_id}/reminders", views_reminders.reminders, "reminders",
     A.READER),
    ("GET", "/campaigns/{campaign_id}/organisations/{organisation_id}",
     views_organisation.organisation, "organisation", A.READER),
    ("POST", "/campaigns/{campaign_id}/organisations/{organisation_id}/invitations",
     views_organisation.new_invitation, "new_invitation", A.COORDINATOR),
    ("POST", "/campaigns/{campaign_id}/organisations/{organisation_id}/return",
     views_review.return_items, "return_items", A.COORDINATOR),
    ("POST", "/campaigns/{campaign_id}/organisations/{organisation_id}/accept",
     views_review.accept, "accept", A.COORDINATOR),
    ("GET", "/organisations/import", views_org_import.page, "import_page", A.COORDINATOR),
    ("POST", "/organisations/import", views_org_import.upload, "import_preview",
     A.COORDINATOR),
    ("POST", "/organisations/import/apply", views_org_import.apply, "import_apply",
     A.COORDINATOR),
    ("GET", "/audit", views_admin.audit, "audit", A.COORDINATOR),
    ("GET", "/users", views_admin.users, "users", A.COORDINATOR),
    ("POST", "/users/{user_id}/totp", views_admin.require_totp, "require_totp", A.COORDINATOR),
]  # fmt: skip


@jinja2.pass_context
def _gettext(context: jinja2.runtime.Context, message: str) -> str:
    """The i18n extension's ``_``/``gettext``: the page's language is in its context."""
    return i18n.gettext(str(context.get("lang", i18n.SOURCE_LANGUAGE)), message)


@jinja2.pass_context
def _ngettext(context: jinja2.runtime.Context, singular: str, plural: str, n: int) -> str:
    lang = str(context.get("lang", i18n.SOURCE_LANGUAGE))
    return i18n.translations(lang).ngettext(singular, plural, n)


def environment(app: web.Application) -> jinja2.Environment:
    """Jinja2 with autoescape on every template, strict about undefined names, and i18n."""
    env = aiohttp_jinja2.setup(
        app,
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(_gettext, _ngettext, newstyle=False)  # type: ignore[attr-defined]
    env.filters["group"] = group
    return env


def create_panel(
    settings: Settings,
    store: Store,
    *,
    passwords: Passwords | None = None,
    clock: Callable[[], datetime] = utcnow,
) -> web.Application:
    """The panel's sub-application (mount it at :data:`PREFIX`)."""
    panel = web.Application(middlewares=[guard])
    panel[PANEL_KEY] = Panel(settings, store, Auth(store, passwords, clock), clock)
    environment(panel)
    access: dict[str, Access] = {"static": Access.PUBLIC}
    for method, path, handler, name, who in ROUTES:
        if method == "POST" and who is Access.READER:
            raise AssertionError(f"{name}: a reader's route cannot change anything")
        panel.router.add_route(method, path, handler, name=name)
        access[name] = who
    panel.router.add_static("/static", STATIC, name="static", follow_symlinks=False)
    panel[ACCESS_KEY] = access
    panel[BODY_LIMITS_KEY] = {"import_preview": UPLOAD_MAX + 64 * 1024}  # the form's other fields
    panel.on_response_prepare.append(security_headers)
    return panel


def setup(
    app: web.Application,
    settings: Settings,
    store: Store,
    *,
    passwords: Passwords | None = None,
    clock: Callable[[], datetime] = utcnow,
) -> web.Application:
    """Mount the panel at ``/admin`` of ``app`` (before it starts); returns the panel."""
    panel = create_panel(settings, store, passwords=passwords, clock=clock)
    app.add_subapp(PREFIX, panel)
    return panel
