"""Both channels in one test, over the same copy of the demo database.

The web chat's and the Telegram bot's fixtures both build on this test's ``demo_db``,
so a test that asks for ``webchat`` and ``running`` drives two channels of one product.
"""

from tests.telegram.conftest import harness, running  # noqa: F401 - fixtures
from tests.web.conftest import webchat  # noqa: F401 - fixture
