"""The coordinator's operations, as typed async functions returning dataclasses.

The CLI (``admin/commands_*.py``) and the coordinators' web panel are two faces of these
same functions: each parses its input, calls one operation with a
:class:`~storage.repository.Store`, and shows the result.  Nothing here prints, reads
``sys.argv`` or knows HTTP.  A mistake the coordinator can fix raises
:class:`~admin.ops.errors.OpsError` (storage's own errors pass through unchanged).

* :mod:`admin.ops.campaigns` — create (``--from`` last year), open, close, list, deadline
* :mod:`admin.ops.members` — which organisations take part in a campaign
* :mod:`admin.ops.organisations` — the master list: add, update, remove, restore, import
* :mod:`admin.ops.org_files` — reading the master file (CSV ``,`` or ``;``, XLSX)
* :mod:`admin.ops.contacts` — contacts: list, release, deactivate, activate
* :mod:`admin.ops.invitations` and :mod:`admin.ops.links` — links: make, list, revoke, resend
* :mod:`admin.ops.progress` — who to chase: status per organisation, reporting rates
* :mod:`admin.ops.responses` — returning a response for correction
"""
