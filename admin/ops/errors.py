"""The one error the coordinator's operations raise on purpose."""

from __future__ import annotations


class OpsError(Exception):
    """A mistake the coordinator can fix; the message says how (shown as it is)."""


class FileProblems(OpsError):
    """A master file with bad rows: every problem, each with its line, and nothing imported."""

    def __init__(
        self,
        source: str,
        problems: list[str],
        hint: str | None = None,
        lines: list[tuple[int, str]] | None = None,
    ) -> None:
        self.source = source
        self.problems = problems
        self.hint = hint
        #: the problems as ``(line, text)`` when they came so (the panel lists them)
        self.lines = lines or []
        super().__init__(
            f"{len(problems)} bad row(s), nothing imported; fix them and run the import again:\n"
            + "\n".join(problems)
            + (f"\n{hint}" if hint else "")
        )
