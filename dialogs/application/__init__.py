"""The application layer: what the channels and the coordinator's tools ask of the product.

Channels (``bot.telegram``, ``bot.web``) call these services and never reach
:mod:`storage`; the coordinator side (``admin``) may use storage too, but never the
channels; the engine (:mod:`dialogs.engine`) never sees any of them.  Data flows one
way (``tests/test_layers.py`` checks every import)::

    bot.telegram, bot.web ──▶ dialogs.application ──▶ dialogs.engine ──▶ domain
              admin ───────────────┘        └──────▶ storage

``factory.Application`` holds the services over one store: ``dialog`` (the step
service), ``onboarding`` (joining by invitation), ``people``, ``web_sessions``,
``reminders`` and ``updates``; ``language.switch_language`` and
``campaigns.current_campaign`` are the rules both channels share.
"""
