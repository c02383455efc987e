"""The étude's calculation settings that are not tariff data (one row, audited)."""

from __future__ import annotations

from dataclasses import dataclass

from clerc_tui.models import Etude
from clerc_tui.models.db import write_transaction
from clerc_tui.services.audit import record, snapshot
from clerc_tui.services.context import Actor, require
from clerc_tui.services.plain import Prepared, plain

FEE_BASE_TEXT = {
    False: "principal encaissé, hors dépens et hors intérêts",
    True: "principal et intérêts encaissés, hors dépens",
}


@dataclass(frozen=True)
class EtudeInfo:
    """The étude's identity (printed on documents and acts) and its calculation settings."""

    name: str
    commissaire_name: str
    address: str
    postcode: str
    city: str
    siren: str
    phone: str
    email: str
    day_count: str
    rounding: str
    fee_base_interest: bool
    demo: bool
    wage_repartiteur: bool = False
    contact_hours: str = "lun-ven 10:00-13:00 14:00-20:00"  # m0022 (rules/amicable.parse_hours)
    contact_ceiling: int = 4  # m0022: contacts per debtor over a rolling 30 days
    bank_iban: str = ""  # m0026: the étude's account, debited by the SEPA transfer files
    bank_bic: str = ""


def _etude_row() -> Etude | None:
    found = _ETUDE.rows()
    return found[0] if found else None


_ETUDE = Prepared(lambda: Etude.select().order_by(Etude.id).limit(1), 0)  # every décompte reads it


# The étude's calculation settings, the two columns every décompte reads (`the_etude` builds the
# whole row as a model, then an EtudeInfo: ~1 % of a décompte for two strings).
_CONVENTION_COLUMNS = (Etude.day_count, Etude.rounding)
_CONVENTION = Prepared(lambda: Etude.select(*_CONVENTION_COLUMNS).order_by(Etude.id).limit(1).tuples(), 0)


def etude_day_count_and_rounding() -> tuple[str, str] | None:
    """`(the_etude().day_count, the_etude().rounding)`, read alone (None in a base not yet set up)."""
    found = _CONVENTION.raw()
    if not found:
        return None
    day_count, rounding = (
        column.python_value(value) for column, value in zip(_CONVENTION_COLUMNS, found[0], strict=True)
    )
    return day_count, rounding


def the_etude() -> EtudeInfo | None:
    """The étude's one row (None in a base not yet set up): the one way to read it."""
    row = _etude_row()
    return plain(EtudeInfo, row) if row is not None else None


def letterhead(*, contact: bool = False) -> tuple[str, ...]:
    """The étude's name, address and town, as printed at the top of a document (always three
    lines, some empty, so that what follows never climbs into them); with `contact`, a fourth
    line with the commissaire's name, phone, e-mail and SIREN it has (PDF documents)."""
    etude = the_etude()
    lines = (
        etude.name if etude else "Étude",
        (etude.address or "").replace("\n", ", ") if etude else "",
        f"{etude.postcode} {etude.city}".strip() if etude else "",
    )
    if not contact or etude is None:
        return lines
    reach = [
        etude.commissaire_name,
        f"Tél. {etude.phone}" if etude.phone else "",
        etude.email,
        f"SIREN {etude.siren}" if etude.siren else "",
    ]
    return (*lines, " · ".join(x for x in reach if x))


def fee_base_interest() -> bool:
    """True when the étude counts the interest collected in the base of A444-31 / A444-32
    (default False: principal or condemnation only, see docs/law/recovery-fees.md)."""
    etude = the_etude()
    return bool(etude.fee_base_interest) if etude is not None else False


def fee_base_text(include_interest: bool | None = None) -> str:
    """The setting in French, as the creditor's statement prints it."""
    include = fee_base_interest() if include_interest is None else include_interest
    return f"Assiette des droits proportionnels A444-31 / A444-32 : {FEE_BASE_TEXT[include]} (réglage de l'étude)."


def set_setting(actor: Actor, field: str, value: object, *, also: dict[str, object] | None = None) -> None:
    """Write one setting of the étude (a column of Etude; `also`: more columns written with it,
    in the same transaction), audited with the row before and after (action `etude.<field>`);
    commissaire or principal clerc only. The étude's row is made if the base has none yet."""
    require(actor, "etude.settings")
    values = {field: value, **(also or {})}
    with write_transaction():
        etude = _etude_row()
        if etude is None:
            etude = Etude.create(name="")
        before = snapshot(etude)
        Etude.update({getattr(Etude, name): v for name, v in values.items()}).where(Etude.id == etude.id).execute()
        after = snapshot(Etude.get_by_id(etude.id))
        record(actor, f"etude.{field}", "etude", etude.id, before=before, after=after)


def set_fee_base_interest(actor: Actor, include: bool) -> bool:
    """Set whether interest counts in the fee base. Applies to the next reversement runs, which
    recompute the cumulated base."""
    set_setting(actor, "fee_base_interest", bool(include))
    return bool(include)


def wage_repartiteur() -> bool:
    """True when the étude is the commissaire répartiteur of its wage seizures: recording the
    first funds or a répartition then creates the six-week deadlines (docs/law/wage-seizure.md)."""
    etude = the_etude()
    return bool(etude.wage_repartiteur) if etude is not None else False


def repartiteur_text(value: bool | None = None) -> str:
    value = wage_repartiteur() if value is None else value
    return (
        "Saisie des rémunérations : l'étude "
        + ("est" if value else "n'est pas")
        + " commissaire répartiteur (répartition au moins toutes les six semaines) (réglage de l'étude)."
    )


def set_wage_repartiteur(actor: Actor, value: bool) -> bool:
    """Set whether the étude is the répartiteur of its wage seizures. Applies to the steps
    recorded from now on (deadlines already made stay)."""
    set_setting(actor, "wage_repartiteur", bool(value))
    return bool(value)


def set_bank_account(actor: Actor, iban: str, bic: str = "") -> tuple[str, str]:
    """The étude's own account (its compte de tiers), debited by the SEPA transfer files of the
    reversements (docs/sepa.md): IBAN checked (rules/identifiers.py), BIC of ISO 9362 when given;
    both written together, audited (`etude.bank_iban`). Returns (iban, bic) as stored."""
    from clerc_tui.rules.identifiers import validate_iban
    from clerc_tui.rules.sepa import validate_bic

    iban, bic = validate_iban(iban), validate_bic(bic)
    set_setting(actor, "bank_iban", iban, also={"bank_bic": bic})
    return iban, bic


def bank_account_text(etude: EtudeInfo | None = None) -> str:
    from clerc_tui.rules.identifiers import format_iban

    etude = etude or the_etude()
    if etude is None or not etude.bank_iban:
        return (
            "Compte de l'étude pour les virements SEPA : non renseigné (clerc etude set --iban IBAN --bic BIC) "
            "(réglage de l'étude)."
        )
    bic = f", BIC {etude.bank_bic}" if etude.bank_bic else ", BIC non renseigné"
    return f"Compte de l'étude pour les virements SEPA : IBAN {format_iban(etude.bank_iban)}{bic} (réglage de l'étude)."
