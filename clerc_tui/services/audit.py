"""The audit trail: every service that changes data writes who, when, what, before and after;
and the dossier's timeline (« Historique »), the same story told to the clerc."""

import json
from datetime import date, datetime
from decimal import Decimal

from peewee import ForeignKeyField

from clerc_tui.models import AuditEntry, TimelineEvent, chain
from clerc_tui.models.prepared import insert_new
from clerc_tui.services.context import Actor, user_by_login


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def snapshot(instance) -> dict:
    """The stored values of a model row, JSON-ready (foreign keys as ids)."""
    values = {}
    for field in instance._meta.sorted_fields:
        if isinstance(field, ForeignKeyField):
            values[field.column_name] = _plain(instance.__data__.get(field.name))
        else:  # through the model: a deadline's text is read from its catalogue (m0017)
            values[field.name] = _plain(getattr(instance, field.name))
    return values


def record(
    actor: Actor,
    action: str,
    table: str,
    row_id,
    *,
    before: dict | None = None,
    after: dict | None = None,
    dossier_id: int | None = None,
    at: datetime | None = None,
) -> None:
    """Write one audit entry, chained to the one before (models/chain.py); call it inside
    the service's write transaction."""
    if before is not None and after is not None:
        changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
        before = {k: before.get(k) for k in sorted(changed)}
        after = {k: after.get(k) for k in sorted(changed)}
    chain.append(
        AuditEntry,
        at=at or datetime.now(),
        user_login=actor.login,
        action=action,
        table_name=table,
        row_id=str(row_id),
        dossier=dossier_id,
        before=json.dumps(before, ensure_ascii=False, sort_keys=True) if before is not None else "",
        after=json.dumps(after, ensure_ascii=False, sort_keys=True) if after is not None else "",
    )


def last_change(table: str, row_id, actions: tuple[str, ...] | None = None) -> str:
    """« par Nom le jj/mm/aaaa à hh:mm » of the latest audited change of a row ("" if none):
    what an optimistic-locking refusal says (services/dossiers, deadlines, acts)."""
    from clerc_tui.rules.french import format_date

    query = AuditEntry.select().where(AuditEntry.table_name == table, AuditEntry.row_id == str(row_id))
    if actions:
        query = query.where(AuditEntry.action.in_(actions))
    last = query.order_by(AuditEntry.id.desc()).first()
    if last is None:
        return ""
    user = user_by_login(last.user_login)
    return f" par {user.name if user else last.user_login} le {format_date(last.at.date())} à {last.at:%H:%M}"


def save_versioned(row, table: str, what: str) -> None:
    """Write the edited `row` with the next version, only if nobody wrote it since it was read
    (the WHERE on the version read): a concurrent edit that slipped in between fails here with
    who and when, rather than being overwritten. `what` opens the refusal (« L'acte vient
    d'être modifié »)."""
    from clerc_tui.errors import ConflictError

    model = type(row)
    read_version = row.version
    row.version = read_version + 1
    changed = (
        model.update(
            {f: row.__data__[f.name] for f in model._meta.sorted_fields if f.name != "id" and f.name in row.__data__}
        )
        .where(model.id == row.id, model.version == read_version)
        .execute()
    )
    if changed != 1:
        raise ConflictError(f"{what}{last_change(table, row.id)} : rien n'a été enregistré, refaites l'opération.")


def timeline_event(
    actor: Actor | None, dossier_id: int, on: date, kind: str, text: str, *, now: datetime | None = None
) -> int:
    """A line of the dossier's « Historique », dated `on` (the day it happened, not always
    today), by `actor` (None: clerc itself, e.g. a campaign's run), recorded at `now`; its id."""
    event = TimelineEvent(
        dossier=dossier_id,
        occurred_on=on,
        kind=kind,
        text=text,
        user=actor.user_id if actor else None,
        created_at=now or datetime.now(),
    )
    return insert_new(event)  # what TimelineEvent.create sends, its SQL written once
