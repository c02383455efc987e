"""Billing a dossier: fees (émoluments) and disbursements (débours), and acts at the
regulated tariff with their breakdown (rules/tariff.py). A fee gets an invoice number
(services/ledger.py `next_number`); cancelling one is `services.payments.reverse_entry`,
which issues the credit note."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

from clerc_tui.errors import InvalidInput
from clerc_tui.models import LedgerEntry
from clerc_tui.models.db import write_transaction
from clerc_tui.rules.french import format_amount
from clerc_tui.rules.ledger import CREDITOR, DEBTOR, DISBURSEMENT, FEE, REVERSAL
from clerc_tui.rules.money import ZERO
from clerc_tui.rules.tariff import ActCharge, shipped_tariff
from clerc_tui.rules.vocabulary import BEARERS, LEDGER_KINDS
from clerc_tui.services.balances import CLAIM_AMOUNTS
from clerc_tui.services.context import Actor, require, require_write
from clerc_tui.services.ledger import (
    INVOICE,
    Entry,
    create_entry,
    existing_dossier,
    valid_amount,
    valid_day,
    valid_text,
)


def record_charge(
    actor: Actor,
    dossier_id: int,
    *,
    kind: str,
    on: date,
    amount: Any,
    label: str,
    today: date | None = None,
    bearer: str = DEBTOR,
    support_reference: str = "",
    invoice: bool | None = None,
    breakdown: dict[str, Any] | None = None,
) -> Entry:
    """A fee (émolument) or a disbursement (débours) owed on the dossier from `on`, borne by
    the debtor (in the décompte) or by the creditor (kept on the reversements). A fee gets
    an invoice number unless `invoice=False`; a débours keeps its voucher reference."""
    require_write(actor)
    today = today or date.today()
    if kind not in (FEE, DISBURSEMENT):
        raise InvalidInput(f"Nature de frais inconnue : « {kind} » (fee ou disbursement).", field="kind")
    if bearer not in BEARERS:
        raise InvalidInput(f"Frais à la charge de qui ? « {bearer} » (debtor ou creditor).", field="bearer")
    amount = valid_amount(amount)
    on = valid_day(on, today, "Date des frais", "entry_date")
    label = valid_text(label, "Libellé des frais", "label", required=True)
    support_reference = valid_text(support_reference, "Justificatif", "support_reference")
    invoice = kind == FEE if invoice is None else invoice
    with write_transaction():
        dossier = existing_dossier(dossier_id)
        who = " (à la charge du créancier)" if bearer == CREDITOR else ""
        return create_entry(
            actor,
            dossier,
            today,
            f"{LEDGER_KINDS[kind]} « {label} » : {format_amount(amount)}{who}",
            number=INVOICE if invoice else None,
            kind=kind,
            entry_date=on,
            amount=amount,
            label=label,
            bearer=bearer,
            support_reference=support_reference,
            breakdown=json.dumps(breakdown, ensure_ascii=False) if breakdown else "",
        )


def claim_amount(dossier_id: int) -> Decimal:
    """The claim an act relates to, for the A444-46 coefficient and the DEP: the sums the
    title awards (all claim items)."""
    return sum((amount for (amount,) in CLAIM_AMOUNTS.rows(dossier_id)), ZERO)


def dep_already_charged(dossier_id: int) -> bool:
    """True when an act of the dossier, not reversed, already carried the DEP (once per claim)."""
    reversed_ids = {
        e.reverses_id
        for e in LedgerEntry.select(LedgerEntry.reverses).where(
            LedgerEntry.dossier == dossier_id, LedgerEntry.kind == REVERSAL
        )
    }
    for e in LedgerEntry.select().where(
        LedgerEntry.dossier == dossier_id, LedgerEntry.kind == FEE, LedgerEntry.breakdown != ""
    ):
        if e.id not in reversed_ids and Decimal(json.loads(e.breakdown).get("dep", "0")) > 0:
            return True
    return False


def price_act(
    dossier_id: int,
    act_code: str,
    on: date,
    *,
    claim: Any = None,
    with_dep: bool | None = None,
    with_travel: bool = True,
    base: Any = None,
) -> ActCharge:
    """The tariff's `ActCharge` for an act of the dossier (nothing written): the preview."""
    existing_dossier(dossier_id)
    claim = claim_amount(dossier_id) if claim is None else _amount_or_zero(claim)
    if with_dep is None:
        with_dep = not dep_already_charged(dossier_id)
    if base is not None:
        base = valid_amount(base)
    return shipped_tariff().act_charge(act_code, on, claim, with_dep=with_dep, with_travel=with_travel, base=base)


def _amount_or_zero(value: Any) -> Decimal:
    if isinstance(value, Decimal) and value == 0:
        return ZERO
    return valid_amount(value)


def bill_act(
    actor: Actor,
    dossier_id: int,
    act_code: str,
    on: date,
    *,
    claim: Any = None,
    with_dep: bool | None = None,
    with_travel: bool = True,
    base: Any = None,
    act_id: int | None = None,
    label: str = "",
    today: date | None = None,
) -> Entry:
    """Bill an act served on `on` at the regulated tariff: one fee entry (TTC) borne by the
    debtor, with its breakdown (émolument × coefficient, DEP, SCT, TVA, taxe forfaitaire,
    « à confirmer » marks) and an invoice number. `act_code`: a code of `data/tariff.toml`
    (`rules.tariff.act_choices()`); `claim`: defaults to the dossier's claim items;
    `with_dep`: defaults to « the dossier has no act carrying the DEP yet »; `base`: the
    émolument HT typed by the clerc when the tariff has no figure for the period;
    `act_id`: the acts module's id, kept in the breakdown. Débours go in with
    `record_charge(kind="disbursement")`. Raises InvalidInput / MissingTariff (French)."""
    if base is not None:  # a figure the regulated tariff lacks, typed by hand
        require(actor, "tariff.figure")
    today = today or date.today()
    on = valid_day(on, today, "Date de l'acte", "entry_date")
    charge = price_act(dossier_id, act_code, on, claim=claim, with_dep=with_dep, with_travel=with_travel, base=base)
    breakdown = charge.as_dict()
    if act_id is not None:
        breakdown["act_id"] = act_id
    label = label or charge.label
    if charge.marks:  # the décompte, the list and the invoice show that the tariff is unconfirmed
        label += " (tarif à confirmer)"
    return record_charge(
        actor,
        dossier_id,
        kind=FEE,
        on=on,
        amount=charge.ttc,
        label=label,
        today=today,
        breakdown=breakdown,
        invoice=True,
    )
