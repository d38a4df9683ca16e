"""Mode ``NEW``: nothing asked yet (maybe the language question); showing it begins the walk."""

from __future__ import annotations

from dialogs.engine import flow
from dialogs.engine.turn import Turn
from dialogs.engine.views import Screen


class New(Screen):
    def show(self, t: Turn) -> None:
        flow.begin(t)
