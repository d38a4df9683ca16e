"""The application layer: what the channels and the coordinator's tools ask of the product.

Channels (``bot.telegram``, ``bot.web``) and the coordinator side (``admin``) call
these functions; they never reach :mod:`storage` through anything else, and the
engine (:mod:`dialogs.engine`) never sees them.  Data flows one way::

    bot.telegram, bot.web ──▶ dialogs.application ──▶ dialogs.engine
              admin ───────────────┘        └──────▶ storage
"""
