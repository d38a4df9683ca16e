"""The Core statements of an answer's write (storage/answers.py), built once.

An answer's transaction is one locked read and three writes (issue 15: it was nine ORM
statements, a savepoint among them); the statements are built here once with bound
parameters, since building them per call cost more CPU than running them.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import BindParameter, Select, Table, and_, bindparam, func, insert, select, update

from storage import errors
from storage.models import Answer, AnswerRevision, Contact, Response


class CurrentAnswer:
    """The field's current answer as :meth:`AnswerStore._check_expected` reads it."""

    __slots__ = ("contact_id", "status", "value", "version")

    def __init__(self, row: Any) -> None:
        self.version = row.answer_version
        self.value = row.answer_value
        self.status = row.answer_status
        self.contact_id = row.answer_contact_id


def _locked_read(with_contact: bool) -> Select[Any]:
    """The response (locked), its field's answer, the field's last revision, the contact.

    Built once, with bound parameters ``rid``, ``field``, ``cid`` (see below): building it
    per call cost more CPU than running it.
    """
    response_id: BindParameter[int] = bindparam("rid")
    field_code: BindParameter[str] = bindparam("field")
    last_revision = (
        select(func.max(AnswerRevision.revision))
        .where(AnswerRevision.response_id == response_id, AnswerRevision.field_code == field_code)
        .scalar_subquery()
    )
    query = (
        select(
            Response.organisation_id,
            Response.status,
            Response.version,
            Answer.id.label("answer_id"),
            Answer.version.label("answer_version"),
            Answer.value.label("answer_value"),
            Answer.status.label("answer_status"),
            Answer.contact_id.label("answer_contact_id"),
            last_revision.label("last_revision"),
        )
        .outerjoin(Answer, and_(Answer.response_id == Response.id, Answer.field_code == field_code))
        .where(Response.id == response_id)
        .with_for_update(of=Response)
    )
    if with_contact:
        query = query.add_columns(
            Contact.id.label("contact_id"),
            Contact.active,
            Contact.organisation_id.label("contact_org"),
        ).outerjoin(Contact, Contact.id == bindparam("cid"))
    return query


LOCKED_READ = _locked_read(False)
LOCKED_READ_WITH_CONTACT = _locked_read(True)
_RESPONSES, _ANSWERS = cast(Table, Response.__table__), cast(Table, Answer.__table__)
#: Core statements on the tables (the SET columns are the parameters given).
#: No synchronising of the session's objects: locked ORM reads refresh (``StoreBase._get``).
_PLAIN = {"synchronize_session": False}
BUMP_RESPONSE = (
    update(_RESPONSES).where(_RESPONSES.c.id == bindparam("rid")).execution_options(**_PLAIN)
)
UPDATE_ANSWER = (
    update(_ANSWERS).where(_ANSWERS.c.id == bindparam("aid")).execution_options(**_PLAIN)
)
INSERT_ANSWER = insert(_ANSWERS).returning(_ANSWERS.c.id)
INSERT_REVISION = insert(cast(Table, AnswerRevision.__table__))


def check_access(row: Any, response_id: int, contact_id: int | None) -> None:
    """As :meth:`StoreBase._check_contact_owns`, on the columns :func:`_locked_read` brought."""
    if contact_id is None:
        return
    if row.contact_id is None:
        raise errors.NotFound("Contact", contact_id)
    if not row.active:
        raise errors.AccessDenied(contact_id, "the contact was deactivated")
    if row.contact_org != row.organisation_id:
        raise errors.AccessDenied(
            contact_id, f"response {response_id} belongs to another organisation"
        )
