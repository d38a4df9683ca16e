"""``python -m admin invite …``: invitation links — make, list, revoke, resend.

::

    python -m admin invite ORG_ID --campaign ID [--uses N] [--days D] [--local]
    python -m admin invite all --campaign ID --out links.csv [--include-bound] [--local]
    python -m admin invite list --campaign ID [--org ORG_ID]
    python -m admin invite revoke INVITATION_ID…
    python -m admin invite resend INVITATION_ID [--days D] [--local]

Links are made only when ``PUBLIC_URL`` is an address people can open (``--local`` for
testing on this machine); without ``BOT_USERNAME`` there is no Telegram link, and that
is said.  The work is done by :mod:`admin.ops.invitations`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from admin.common import actor_of, add_common, fail, positive, run, shorten, table, when, write_csv
from admin.ops import invitations as invites
from admin.ops.links import LinkMaker, link_maker
from dialogs.application.settings import load_settings
from storage.models import CampaignStatus
from storage.repository import Store

ACTIONS = ("all", "list", "revoke", "resend")
ONCE = "The link is shown only this once (only its hash is stored)."


def register(subparsers: Any) -> None:
    """Add ``invite``."""
    p = subparsers.add_parser(
        "invite",
        help="invitation links: ORG_ID or all (make), list, revoke, resend",
    )
    p.add_argument("target", metavar="ORG_ID|all|list|revoke|resend")
    p.add_argument("ids", metavar="INVITATION_ID", type=int, nargs="*")
    p.add_argument("--campaign", type=int, metavar="ID")
    p.add_argument("--org", type=int, metavar="ORG_ID", help="with `list`: one organisation")
    p.add_argument("--uses", type=positive, default=1, help="people the link may bind (default 1)")
    p.add_argument("--days", type=positive, default=45, help="days the link is valid (default 45)")
    p.add_argument("--out", type=Path, help="with `all`: the CSV file for the links")
    p.add_argument(
        "--include-bound",
        action="store_true",
        help="with `all`: also organisations that already have a contact",
    )
    p.add_argument(
        "--local",
        action="store_true",
        help="make links even though PUBLIC_URL is not a public address (testing only)",
    )
    add_common(p)
    p.set_defaults(handler=invite)


def _maker(args: argparse.Namespace) -> LinkMaker:
    settings = load_settings()
    maker = link_maker(settings.public_url, settings.bot_username, allow_local=args.local)
    for note in maker.notes:
        print(f"note: {note}", file=sys.stderr)
    return maker


def invite(args: argparse.Namespace) -> int:
    """Dispatch on the first word: an organisation id, or one of :data:`ACTIONS`."""
    if args.target in ("all", "list") and args.campaign is None:
        return fail(f"`invite {args.target}` needs --campaign ID")
    if args.target == "all":
        if args.out is None:
            return fail("`invite all` writes the links to a file; give --out links.csv")
        if args.out.exists():
            return fail(f"{args.out} exists; choose another --out (the links in it stay valid)")
        return run(args, lambda store: _all(store, args, _maker(args)))
    if args.target == "list":
        return run(args, lambda store: _list(store, args))
    if args.target == "revoke":
        return run(args, lambda store: _revoke(store, args))
    if args.target == "resend":
        if len(args.ids) != 1:
            return fail("`invite resend` takes one invitation id (see `invite list`)")
        return run(args, lambda store: _resend(store, args, _maker(args)))
    try:
        org_id = int(args.target)
    except ValueError:
        return fail(
            f"{args.target!r} is neither an organisation id nor one of: {', '.join(ACTIONS)}"
        )
    if args.campaign is None:
        return fail("give the campaign the link is for: --campaign ID")
    return run(args, lambda store: _one(store, args, org_id, _maker(args)))


async def _campaign_note(store: Store, campaign_id: int) -> None:
    campaign = await store.get_campaign(campaign_id)
    if campaign.status != CampaignStatus.OPEN:
        print(
            f"note: campaign {campaign_id} is {campaign.status}; open it before sending the links"
            f" (python -m admin campaign open {campaign_id})",
            file=sys.stderr,
        )


def _print_link(link: invites.IssuedLink, maker: LinkMaker) -> None:
    i = link.invitation
    print(f"invitation {i.id} for organisation {i.organisation_id}: {i.organisation}")
    print(f"web:      {link.web}")
    print(f"telegram: {link.telegram or '— (' + str(maker.telegram_missing) + ')'}")
    print(f"valid until {when(i.expires_at)} (Kazakhstan time) for {i.max_uses} person(s). {ONCE}")


async def _one(store: Store, args: argparse.Namespace, org_id: int, maker: LinkMaker) -> int:
    await _campaign_note(store, args.campaign)
    joined = not await store.is_campaign_member(args.campaign, org_id)
    link = await invites.invite_organisation(
        store, maker, org_id, args.campaign, uses=args.uses, days=args.days, actor=actor_of(args)
    )
    if joined:
        print(f"organisation {org_id} now takes part in campaign {args.campaign}")
    _print_link(link, maker)
    return 0


async def _all(store: Store, args: argparse.Namespace, maker: LinkMaker) -> int:
    await _campaign_note(store, args.campaign)
    issued = await invites.invite_campaign(
        store,
        maker,
        args.campaign,
        uses=args.uses,
        days=args.days,
        include_bound=args.include_bound,
        actor=actor_of(args),
    )
    rows = [
        (
            link.invitation.organisation_id,
            link.invitation.organisation,
            link.subject_kind,
            link.web,
            link.telegram or "",
        )
        for link in issued.links
    ]
    headers = ("organisation_id", "organisation", "kind", "web_link", "telegram_link")
    write_csv(args.out, headers, rows)
    print(
        f"{len(rows)} invitation(s) written to {args.out}, valid until {when(issued.expires_at)}"
        " (Kazakhstan time).\nThe links are shown only this once (only their hashes are"
        " stored): keep the file safe, send each organisation its own link, then delete it."
    )
    if maker.telegram_missing:
        print(f"the telegram_link column is empty: {maker.telegram_missing}")
    if issued.skipped_bound:
        print(
            f"{len(issued.skipped_bound)} organisation(s) skipped: they already have a contact,"
            " who goes on without a new link (--include-bound to make links for them too)"
        )
    return 0


async def _list(store: Store, args: argparse.Namespace) -> int:
    found = await invites.list_invitations(
        store, campaign_id=args.campaign, organisation_id=args.org
    )
    if not found:
        print(f"no invitations for campaign {args.campaign} yet")
        return 0
    rows = [
        (
            i.id,
            i.organisation_id,
            shorten(i.organisation, 30),
            i.state,
            f"{i.uses}/{i.max_uses}",
            when(i.created_at),
            when(i.expires_at),
            when(i.revoked_at),
            i.created_by,
        )
        for i in found
    ]
    headers = ("id", "org", "organisation", "state", "used", "made", "expires", "revoked", "by")
    sys.stdout.write(table(headers, rows))
    return 0


async def _revoke(store: Store, args: argparse.Namespace) -> int:
    for i in await invites.revoke_invitations(store, args.ids, actor=actor_of(args)):
        print(
            f"invitation {i.id} ({i.organisation}) revoked at {when(i.revoked_at)}; the"
            " contacts it bound stay bound (`contact deactivate ID` stops one)"
        )
    return 0


async def _resend(store: Store, args: argparse.Namespace, maker: LinkMaker) -> int:
    link = await invites.resend_invitation(
        store, maker, args.ids[0], days=args.days, actor=actor_of(args)
    )
    print(f"invitation {args.ids[0]} revoked; its replacement:")
    _print_link(link, maker)
    return 0
