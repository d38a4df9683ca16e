"""The storage errors a channel may meet, re-exported so that channels never import storage.

``AccessDenied``: the contact was deactivated (or reached for another organisation's
data); ``NotFound``: the contact behind a session is gone.
"""

from storage.errors import AccessDenied, NotFound, StorageError

__all__ = ["AccessDenied", "NotFound", "StorageError"]
