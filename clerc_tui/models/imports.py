"""Creditor imports (m0024): each creditor's column mapping, and where an imported dossier came from."""

from __future__ import annotations

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from clerc_tui.models.base import BaseModel
from clerc_tui.models.dossier import Dossier
from clerc_tui.models.parties import Creditor


class ImportMapping(BaseModel):
    """The columns of a creditor's files: JSON `{field: column header}` (rules/import_rows.FIELDS)."""

    creditor = ForeignKeyField(Creditor, unique=True)
    mapping = TextField()
    updated_by = CharField()
    updated_at = DateTimeField()

    # Declared for the type checker only (Peewee makes them; annotations are not fields).
    creditor_id: ForeignKeyField[int]

    class Meta:
        table_name = "import_mapping"


class DossierSource(BaseModel):
    """An imported dossier's origin: the creditor's own reference (unique per creditor: the key of
    an idempotent, resumable import), the file and its line."""

    dossier = ForeignKeyField(Dossier, unique=True, on_delete="CASCADE")
    creditor = ForeignKeyField(Creditor)
    creditor_reference = CharField()
    file_name = CharField()
    line = IntegerField()
    imported_at = DateTimeField()
    audit_id = IntegerField(null=True)  # m0027: the batch's audit entry (NULL: imported before, one entry each)

    # Declared for the type checker only (Peewee makes them; annotations are not fields).
    dossier_id: ForeignKeyField[int]
    creditor_id: ForeignKeyField[int]

    class Meta:
        table_name = "dossier_source"
        indexes = ((("creditor", "creditor_reference"), True),)
