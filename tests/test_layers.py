"""The layers, checked on every module's imports (parsed with ``ast``, nothing is imported).

Data flows one way: channel (``bot``) → application layer (``dialogs.application``) →
engine (``dialogs.engine``) → domain (the other ``dialogs`` modules), with storage under
the application layer; the coordinator side (``admin``) uses the application layer,
storage and the domain, never the channels.  What each layer may import of ours, and
which outside libraries it must not touch, is :data:`MAY_IMPORT` and :data:`MUST_NOT_USE`.

Every import counts: at the top, inside a function, under ``TYPE_CHECKING``, relative
ones, and ``importlib.import_module("…")`` / ``__import__("…")`` with a literal name.
The checker is tested on synthetic modules first, so a green run means something.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
PACKAGES = ("bot", "dialogs", "storage", "admin")

#: The ``dialogs`` modules that are neither the engine nor the application layer.
DOMAIN = frozenset(
    {
        "dialogs",
        "dialogs.categories",
        "dialogs.contract",
        "dialogs.countries",
        "dialogs.i18n",
        "dialogs.parsing",
        "dialogs.questionnaire",
        "dialogs.render",
        "dialogs.rules",
        "dialogs.schema",
        "dialogs.walk",
        "dialogs.words",
    }
)

#: The modules that build the whole process: web chat, Telegram and the panel.
PROCESS = frozenset({"bot.app", "bot.__main__"})

#: Layer → the layers (or single modules) of ours it may import.
MAY_IMPORT: dict[str, frozenset[str]] = {
    "channel": frozenset({"channel", "application", "dialogs.contract", "dialogs.i18n"}),
    # The process (``python -m bot``) serves the channels and mounts the coordinator's panel.
    "process": frozenset(
        {"process", "channel", "application", "dialogs.contract", "dialogs.i18n", "admin.panel"}
    ),
    "application": frozenset({"application", "engine", "domain", "storage"}),
    "engine": frozenset({"engine", "domain"}),
    "domain": frozenset({"domain"}),
    "coordinator": frozenset({"coordinator", "application", "domain", "storage"}),
    # The coordinator's web panel: the coordinator side over HTTP of its own.
    "panel": frozenset({"panel", "coordinator", "application", "domain", "storage"}),
    "storage": frozenset({"storage"}),
}

#: Layer → outside packages it must not import (Telegram/HTTP, or the database).
CHANNEL_LIBS = frozenset({"aiogram", "aiohttp"})
DATABASE_LIBS = frozenset({"sqlalchemy", "alembic", "asyncpg", "aiosqlite"})
MUST_NOT_USE: dict[str, frozenset[str]] = {
    "channel": DATABASE_LIBS,
    "process": DATABASE_LIBS,
    "application": CHANNEL_LIBS,
    "engine": CHANNEL_LIBS | DATABASE_LIBS,
    "domain": CHANNEL_LIBS | DATABASE_LIBS,
    "coordinator": CHANNEL_LIBS,
    "panel": DATABASE_LIBS | {"aiogram"},
    "storage": CHANNEL_LIBS,
}


def layer_of(module: str) -> str | None:
    """The layer a module of ours belongs to; ``None`` for a ``dialogs`` module not placed."""
    top = module.split(".")[0]
    if module in PROCESS:
        return "process"
    if top == "bot":
        return "channel"
    if module == "admin.panel" or module.startswith("admin.panel."):
        return "panel"
    if top == "admin":
        return "coordinator"
    if top == "storage":
        return "storage"
    if module == "dialogs.engine" or module.startswith("dialogs.engine."):
        return "engine"
    if module == "dialogs.application" or module.startswith("dialogs.application."):
        return "application"
    if module in DOMAIN or module.startswith("dialogs.parsing."):
        return "domain"
    return None


def allowed(layer: str, target: str) -> bool:
    """May a module of ``layer`` import ``target`` (a module of ours)?"""
    rules = MAY_IMPORT[layer]
    return target in rules or (layer_of(target) or "?") in rules


@dataclass(frozen=True)
class Violation:
    module: str
    line: int
    imported: str
    why: str

    def __str__(self) -> str:
        return f"{self.module}:{self.line} imports {self.imported}: {self.why}"


def _absolute(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    """The module an ``ImportFrom`` names, relative imports resolved against ``module``."""
    if not node.level:
        return node.module or ""
    parts = module.split(".")
    base = parts if is_package else parts[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def imports_of(
    module: str, source: str, known: frozenset[str], is_package: bool = False
) -> list[tuple[int, str]]:
    """(line, imported module) of every import in ``source``.

    ``from package import name`` counts as importing ``package.name`` when that is one
    of the ``known`` modules, else ``package``.
    """
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(module, is_package, node)
            for alias in node.names:
                full = f"{base}.{alias.name}" if base else alias.name
                found.append((node.lineno, full if full in known else base))
        elif (
            isinstance(node, ast.Call)
            and _is_dynamic_import(node.func)
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.append((node.lineno, node.args[0].value))
    return list(dict.fromkeys(found))  # `from x import a, b` names x once


def _is_dynamic_import(func: ast.expr) -> bool:
    if isinstance(func, ast.Name):
        return func.id in ("__import__", "import_module")
    return isinstance(func, ast.Attribute) and func.attr == "import_module"


def check_module(
    module: str, source: str, known: frozenset[str], is_package: bool = False
) -> list[Violation]:
    """Every import of ``module`` that crosses the layers."""
    layer = layer_of(module)
    if layer is None:
        return [Violation(module, 0, "-", "not placed in a layer (add it to DOMAIN or move it)")]
    out: list[Violation] = []
    for line, imported in imports_of(module, source, known, is_package):
        top = imported.split(".")[0]
        if top in PACKAGES:
            if not allowed(layer, imported):
                out.append(Violation(module, line, imported, f"{layer} may not import it"))
        elif top in MUST_NOT_USE[layer]:
            out.append(Violation(module, line, imported, f"{layer} must not use {top}"))
    return out


def modules_under(root: Path) -> dict[str, tuple[Path, bool]]:
    """Module name → (file, is a package) of every Python file of our packages."""
    found: dict[str, tuple[Path, bool]] = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            is_package = parts[-1] == "__init__"
            name = ".".join(parts[:-1] if is_package else parts)
            found[name] = (path, is_package)
    return found


def check_tree(root: Path) -> list[Violation]:
    """Every crossing import in the packages under ``root``."""
    modules = modules_under(root)
    known = frozenset(modules)
    out: list[Violation] = []
    for name, (path, is_package) in modules.items():
        out.extend(check_module(name, path.read_text(encoding="utf-8"), known, is_package))
    return out


# --- the checker itself, on synthetic modules ------------------------------------------------

KNOWN = frozenset({"bot", "bot.web", "storage", "storage.repository", "dialogs", "dialogs.engine"})


@pytest.mark.parametrize(
    ("module", "source", "imported"),
    [
        ("bot.web.server", "from storage.repository import Store", "storage.repository"),
        ("bot.web.server", "import storage", "storage"),
        ("bot.telegram.handlers", "from dialogs.engine import Engine", "dialogs.engine"),
        ("bot.telegram.handlers", "from dialogs import schema", "dialogs"),
        ("bot.app", "def f():\n    from admin.demo import seed_demo\n", "admin.demo"),
        ("bot.app", "from sqlalchemy import select", "sqlalchemy"),
        ("admin.commands_remind", "from bot import reminders", "bot"),
        (
            "admin.commands_remind",
            "import importlib\nimportlib.import_module('bot.telegram')",
            "bot.telegram",
        ),
        ("dialogs.engine.core", "from storage.models import Answer", "storage.models"),
        (
            "dialogs.engine.core",
            "from dialogs.application.dialog import X",
            "dialogs.application.dialog",
        ),
        ("dialogs.engine.core", "from aiogram import Bot", "aiogram"),
        (
            "dialogs.engine.core",
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import bot\n",
            "bot",
        ),
        ("dialogs.walk", "from dialogs.engine import Engine", "dialogs.engine"),
        ("dialogs.application.dialog", "from aiohttp import web", "aiohttp"),
        ("dialogs.application.dialog", "from bot.web import texts", "bot.web"),
        ("storage.answers", "from dialogs.schema import Field", "dialogs.schema"),
        ("storage.answers", "__import__('admin.cli')", "admin.cli"),
    ],
)
def test_the_checker_fails_on_a_crossing_import(module: str, source: str, imported: str) -> None:
    (violation,) = check_module(module, source, KNOWN)
    assert (violation.module, violation.imported) == (module, imported)


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("bot.web.server", "from dialogs.application.factory import Application"),
        ("bot.web.server", "from dialogs.contract import Input\nfrom dialogs import i18n"),
        ("bot.web.server", "from aiohttp import web\nimport json"),
        ("admin.cli", "from dialogs.application.settings import Settings\nfrom storage import db"),
        ("admin.export.rows", "from dialogs.render import category_label"),
        (
            "dialogs.application.dialog",
            "from dialogs.engine import Engine\nfrom storage import errors",
        ),
        (
            "dialogs.engine.core",
            "from dialogs.walk import Walk\nfrom dialogs.engine.turn import Turn",
        ),
        ("storage.db", "from sqlalchemy import event\nfrom storage.models import Base"),
    ],
)
def test_the_checker_lets_imports_within_the_rules_pass(module: str, source: str) -> None:
    known = KNOWN | {"dialogs.i18n"}
    assert check_module(module, source, known) == []


def test_the_checker_reads_a_tree_with_relative_imports(tmp_path: Path) -> None:
    files = {
        "bot/__init__.py": "from . import web\n",
        "bot/web.py": "from storage import repository\n",
        "admin/__init__.py": "",
        "admin/cli.py": "from . import common\nfrom .common import x\n",
        "admin/common.py": "",
        "storage/__init__.py": "",
        "storage/repository.py": "from . import models\n",
        "storage/models.py": "",
        "dialogs/__init__.py": "",
        "dialogs/walk.py": "",
        "dialogs/newthing.py": "",
        "dialogs/application/__init__.py": "",
        "dialogs/application/dialog.py": "from ..engine import core\n",
        "dialogs/engine/__init__.py": "from .core import Engine\n",
        "dialogs/engine/core.py": "from .. import walk\nfrom ..application import dialog\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    found = {(v.module, v.imported) for v in check_tree(tmp_path)}
    assert found == {
        ("bot.web", "storage.repository"),
        ("dialogs.engine.core", "dialogs.application.dialog"),
        ("dialogs.newthing", "-"),  # a dialogs module no layer claims
    }


# --- the product -----------------------------------------------------------------------------


def test_no_import_crosses_the_layers() -> None:
    assert modules_under(ROOT), "the packages were not found"
    violations = check_tree(ROOT)
    assert not violations, "\n".join(map(str, violations))
