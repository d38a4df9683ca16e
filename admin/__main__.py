"""Entry point of the coordinator's CLI: ``python -m admin --help``."""

import sys

from admin.cli import main

sys.exit(main())
