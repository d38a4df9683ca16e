"""The storage errors a channel may meet, re-exported so that channels never import storage.

``AccessDenied``: the contact was deactivated (or reached for another organisation's
data); ``NotFound``: the contact behind a session is gone; ``is_transient``: a dropped
database connection or a serialization failure, after which a request may be run again.
"""

from storage.errors import AccessDenied, NotFound, StorageError, is_transient

__all__ = ["AccessDenied", "NotFound", "StorageError", "is_transient"]
