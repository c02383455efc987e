"""Finding creditors by name (the dossier form's completion, the command line), and the
account their reversements are paid to."""

from dataclasses import dataclass
from typing import Any

from clerc_tui.models import Creditor
from clerc_tui.rules.names import fold
from clerc_tui.services.context import Actor


@dataclass(frozen=True)
class CreditorBank:
    """A creditor and the account the reversements are paid to ("" when not known)."""

    id: int
    display_name: str
    iban: str
    bic: str


def _creditor_bank(row: Creditor) -> CreditorBank:
    return CreditorBank(id=row.id, display_name=row.display_name, iban=row.iban or "", bic=row.bic or "")


def creditor_id_by_name(name: str) -> int | None:
    folded = fold(name.strip())
    if not folded:
        return None
    row = Creditor.select(Creditor.id).where(Creditor.search_name == folded).order_by(Creditor.id).first()
    return row.id if row else None


def _first_by_prefix(folded: str, *fields: Any) -> Creditor | None:
    # A range on the indexed folded name: LIKE would not use the index (docs/architecture.md).
    row: Creditor | None = (
        Creditor.select(*fields)
        .where((Creditor.search_name >= folded) & (Creditor.search_name < folded + "\uffff"))
        .order_by(Creditor.search_name)
        .first()
    )
    return row


def suggest_creditor(prefix: str) -> str | None:
    """The first creditor whose name starts with what was typed (accents and case ignored)."""
    folded = fold(prefix.strip())
    if len(folded) < 2:
        return None
    row = _first_by_prefix(folded, Creditor.display_name)
    return row.display_name if row else None


def creditor_by_prefix(name: str) -> CreditorBank | None:
    """The first creditor whose name starts with `name` (accents and case aside), None if none
    or if `name` is blank."""
    folded = fold(name.strip())
    row = _first_by_prefix(folded) if folded else None
    return _creditor_bank(row) if row else None


def set_creditor_bank(actor: Actor, creditor_id: int, iban: str, bic: str = "") -> CreditorBank:
    """Record the account the reversements are paid to (validated IBAN, BIC of ISO 9362 when
    given: rules/sepa.py), audited with the former values: a creditor held back by a run
    for lack of an IBAN is paid by the next run."""
    from clerc_tui.errors import InvalidInput
    from clerc_tui.models.db import write_transaction
    from clerc_tui.rules.identifiers import validate_iban
    from clerc_tui.rules.sepa import validate_bic
    from clerc_tui.services.audit import record
    from clerc_tui.services.context import require

    require(actor, "creditor.bank")
    iban = validate_iban(iban)
    bic = validate_bic(bic)
    with write_transaction():
        creditor = Creditor.by_id(creditor_id)
        if creditor is None:
            raise InvalidInput("Créancier inconnu.")
        before = {"iban": creditor.iban, "bic": creditor.bic}
        Creditor.update(iban=iban, bic=bic).where(Creditor.id == creditor_id).execute()
        record(actor, "creditor.bank", "creditor", creditor_id, before=before, after={"iban": iban, "bic": bic})
    return _creditor_bank(Creditor.get_by_id(creditor_id))
