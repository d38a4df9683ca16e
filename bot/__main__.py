"""``python -m bot [--demo] [--host H] [--port P]``: see :func:`bot.app.main`."""

import sys

from bot.app import main

if __name__ == "__main__":
    sys.exit(main())
