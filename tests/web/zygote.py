"""A server factory for the SIGKILL test: imports ``python -m bot`` once, forks it per start.

Why: on a loaded machine a cold ``python -m bot`` takes seconds to import, and the test
kills the server 20 times.  Each child runs exactly what ``python -m bot`` runs
(``bot.app.main``, settings from the environment) in a process of its own, which the test
kills with SIGKILL.  Reads one line per start on stdin, answers with the child's pid.
"""

from __future__ import annotations

import os
import signal
import sys

import bot.app


def main() -> None:
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped as they die
    for _ in sys.stdin:
        pid = os.fork()
        if pid == 0:
            quiet = os.open(os.devnull, os.O_WRONLY)
            os.dup2(quiet, 1)
            os.dup2(quiet, 2)
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            os._exit(bot.app.main([]))
        print(pid, flush=True)


if __name__ == "__main__":
    main()
