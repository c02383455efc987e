"""Finding creditors by name, for the dossier form's completion."""

from clerc_tui.models import Creditor
from clerc_tui.rules.names import fold


def creditor_id_by_name(name: str) -> int | None:
    folded = fold(name.strip())
    if not folded:
        return None
    row = Creditor.select(Creditor.id).where(Creditor.search_name == folded).order_by(Creditor.id).first()
    return row.id if row else None


def suggest_creditor(prefix: str) -> str | None:
    """The first creditor whose name starts with what was typed (accents and case ignored)."""
    folded = fold(prefix.strip())
    if len(folded) < 2:
        return None
    # A range on the indexed folded name: LIKE would not use the index (stack.md).
    row = (Creditor.select(Creditor.display_name)
           .where((Creditor.search_name >= folded) & (Creditor.search_name < folded + "\uffff"))
           .order_by(Creditor.search_name).first())
    return row.display_name if row else None
