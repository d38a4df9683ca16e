"""Subject kinds and the questionnaire blocks each answers (from the questionnaire)."""

from __future__ import annotations

from admin.ops.errors import OpsError
from dialogs.questionnaire import default


def kind_codes() -> list[str]:
    return [k.code for k in default().subject_kinds]


def kinds_text() -> str:
    return ", ".join(kind_codes())


def check_kind(kind: str) -> str:
    """The kind, or :class:`OpsError` listing the kinds there are."""
    if kind not in kind_codes():
        raise OpsError(f"unknown subject kind {kind!r}; use one of: {kinds_text()}")
    return kind


def blocks_for(kind: str) -> list[int]:
    """The blocks an organisation of this kind answers (block 1 and its own)."""
    return [b.number for b in default().blocks_for(kind)]
