"""The coordinator's command line.

Each sub-command lives in its own module (``admin/commands_*.py``) exposing
``register(subparsers)``; the parser calls the function stored as ``handler``.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Sequence

COMMAND_MODULES = (
    "admin.commands_questionnaire",
    "admin.commands_db",
    "admin.commands_campaigns",
    "admin.commands_orgs",
    "admin.commands_contacts",
    "admin.commands_invites",
    "admin.commands_progress",
    "admin.commands_export",
    "admin.commands_report",
    "admin.commands_remind",
    "admin.commands_reminders",
    "admin.commands_users",
)


def build_parser() -> argparse.ArgumentParser:
    """Assemble the parser from every command module that is present."""
    parser = argparse.ArgumentParser(
        prog="python -m admin", description="Saualnama coordinator tools"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit status."""
    args = build_parser().parse_args(argv)
    return int(args.handler(args) or 0)
