"""The coordinator's and expert group's web panel at ``/admin``: see :mod:`admin.panel.app`.

Mount it with ``admin.panel.setup(app, settings, store)``; its routes, and who may
call each, are :data:`admin.panel.app.ROUTES`.
"""

from admin.panel.app import setup

__all__ = ["setup"]
