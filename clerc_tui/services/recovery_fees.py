"""The proportional recovery fees of a dossier: A444-31 (debtor) and A444-32 (creditor).

Both are computed on the same cumulated base at the date of a reversement run: the sums
the décompte imputed on the principal (or condemnation) — never on the dépens or the
étude's frais — plus, when the étude says so, on the interest. Each run compares the fee
due on that base with what the ledger already holds for it (net of reversals) and only
records the difference: an increment is a new fee line; an excess is given back by
reversing the last fee lines and billing again what is due (never an edit). The DEP an
act bore is imputed on the fee of whoever bears that act (A444-15 last paragraph).
See docs/law/recovery-fees.md.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from clerc_tui.errors import ClercError
from clerc_tui.models import ClaimItem, Dossier, LedgerEntry
from clerc_tui.rules.french import format_date, plain_amount
from clerc_tui.rules.interest import Convention
from clerc_tui.rules.ledger import CREDITOR, DEBTOR, FEE, REVERSAL
from clerc_tui.rules.money import ZERO, round_cents
from clerc_tui.rules.rates import Rates
from clerc_tui.rules.statement import DEPENS
from clerc_tui.rules.tariff import A444_31, A444_32, ALIMENTARY_EXEMPT, HUNDRED, RecoveryFee, shipped_tariff
from clerc_tui.services.balances import creditor_position
from clerc_tui.services.billing import claim_amount
from clerc_tui.services.etude import fee_base_interest
from clerc_tui.services.plain import Prepared, tuples

ALIMENTARY = "pension_alimentaire"
EXEMPT_CONTRAINTE = "non dû sur le titre d'une personne morale de droit public (R444-53 3°)"
LABELS = {
    A444_31: "Droit proportionnel A444-31 (à la charge du débiteur)",
    A444_32: "Droit proportionnel A444-32 (à la charge du créancier)",
}
BEARER_OF = {A444_31: DEBTOR, A444_32: CREDITOR}
FALLBACK_MARK = "assiette sans ventilation des intérêts (décompte impossible : {})"


@dataclass(frozen=True)
class FeeSettings:
    """What every dossier of a run shares, read once per run rather than once per dossier:
    the interest-in-base setting, the rates and the day-count convention."""

    include_interest: bool
    rates: Rates
    convention: Convention
    stamp: tuple = ()  # what a change of the settings or of the étude's rates changes

    @classmethod
    def load(cls) -> FeeSettings:
        from clerc_tui.services.rates import current_rates

        stamp = cls.current_stamp()
        return cls(stamp[0], current_rates(), stamp[1], stamp)

    @staticmethod
    def current_stamp() -> tuple:
        """The `stamp` of the settings as they are now, without reading the rate tables
        (three small queries: a run checks it in each of its short write transactions)."""
        from clerc_tui.models import EtudeRate
        from clerc_tui.services.statement import etude_convention

        rows = tuple(tuples(EtudeRate.select(EtudeRate.id).order_by(EtudeRate.id)))
        return (fee_base_interest(), etude_convention(), rows)


@dataclass(frozen=True)
class FeeBase:
    claim: Decimal  # the claim of the title (threshold of the flat fee)
    base: Decimal  # cumulated sums collected on principal (+ interest when set), dépens excluded
    interest_included: bool
    marks: tuple[str, ...] = ()


def fee_base(dossier_id: int, on: date, settings: FeeSettings | None = None) -> FeeBase:
    """The base at `on`, from the décompte's imputation of each payment not rejected.
    Without a décompte (a missing rate…): payments beyond the frais and dépens, up to the
    other claim items — marked, and recomputed by the next run that has the décompte."""
    from clerc_tui.services.statement import dossier_statement

    settings = settings or FeeSettings.load()
    include = settings.include_interest
    claim = claim_amount(dossier_id)
    try:
        statement = dossier_statement(dossier_id, on, rates=settings.rates, convention=settings.convention)
    except ClercError as exc:
        items = list(ClaimItem.select().where(ClaimItem.dossier == dossier_id))
        principal = sum((c.amount for c in items if c.kind != DEPENS), ZERO)
        depens = sum((c.amount for c in items if c.kind == DEPENS), ZERO)
        p = creditor_position(dossier_id, on)
        base = min(max(p.paid - p.refunded - p.charged - depens, ZERO), principal)
        return FeeBase(claim, base, include, (FALLBACK_MARK.format(exc.message),))
    base = sum(
        (
            line.allocation.principal + (line.allocation.interets if include else ZERO)
            for line in statement.payments
            if line.reversed_on is None
        ),
        ZERO,
    )
    return FeeBase(claim, base, include)


# A dossier's fee lines and reversals (every fee priced or billed, every recovery fee): SQL written once.
_FEES_AND_REVERSALS = Prepared(
    lambda dossier_id: (
        LedgerEntry.select()
        .where(LedgerEntry.dossier == dossier_id, LedgerEntry.kind.in_((FEE, REVERSAL)))
        .order_by(LedgerEntry.id)
    )
)


def _live_fee_entries(dossier_id: int) -> list[tuple[LedgerEntry, dict]]:
    """Fee lines of the dossier not reversed, with their breakdown."""
    entries = _FEES_AND_REVERSALS.rows(dossier_id)
    cancelled = {e.reverses_id for e in entries if e.kind == REVERSAL}
    return [(e, json.loads(e.breakdown)) for e in entries if e.kind == FEE and e.id not in cancelled and e.breakdown]


def dep_by_bearer(live: list[tuple[LedgerEntry, dict]]) -> dict[str, Decimal]:
    """DEP HT carried by the dossier's acts (`live`: its fee lines not reversed), by who bears the act."""
    out = {DEBTOR: ZERO, CREDITOR: ZERO}
    for entry, breakdown in live:
        if "act" in breakdown:
            out[entry.bearer] += Decimal(breakdown.get("dep", "0"))
    return out


def _billed_lines(live: list[tuple[LedgerEntry, dict]], article: str) -> list[LedgerEntry]:
    """The fee lines of `article` still standing (`live`: the dossier's fee lines not reversed), oldest first."""
    return [e for e, b in live if b.get("article") == article and e.bearer == BEARER_OF[article]]


def billed(live: list[tuple[LedgerEntry, dict]], article: str) -> Decimal:
    return sum((e.amount for e in _billed_lines(live, article)), ZERO)


def creditor_exemption(dossier: Dossier) -> str:
    if dossier.nature == ALIMENTARY:
        return ALIMENTARY_EXEMPT
    if dossier.title_kind == "contrainte":
        return EXEMPT_CONTRAINTE
    return ""


def has_enforceable_title(dossier: Dossier) -> bool:
    """A444-31 is borne by the debtor only when the étude collects on an enforceable title."""
    return bool(dossier.title_kind)


@dataclass(frozen=True)
class DossierFees:
    base: FeeBase
    debtor: RecoveryFee | None  # None without an enforceable title
    creditor: RecoveryFee
    debtor_billed: Decimal  # TTC already on the ledger
    creditor_billed: Decimal

    @property
    def debtor_delta(self) -> Decimal:  # > 0 to bill, < 0 billed in excess
        return (self.debtor.ttc if self.debtor else ZERO) - self.debtor_billed

    @property
    def creditor_delta(self) -> Decimal:
        return self.creditor.ttc - self.creditor_billed


def dossier_fees(dossier: Dossier, on: date, settings: FeeSettings | None = None) -> DossierFees:
    """What both fees should be at `on` on the cumulated base, and what is already billed."""
    base = fee_base(dossier.id, on, settings)
    live = _live_fee_entries(dossier.id)
    deps = dep_by_bearer(live)
    tariff = shipped_tariff()
    debtor = None
    if has_enforceable_title(dossier):
        debtor = tariff.recovery_fee(
            A444_31, base.base, on, claim=base.claim, dep=deps[DEBTOR], alimentary=dossier.nature == ALIMENTARY
        )
    creditor = tariff.recovery_fee(
        A444_32, base.base, on, claim=base.claim, dep=deps[CREDITOR], exempt=creditor_exemption(dossier)
    )
    return DossierFees(base, debtor, creditor, billed(live, A444_31), billed(live, A444_32))


def breakdown(fee: RecoveryFee, base: FeeBase, increment: Decimal) -> dict:
    """What a fee line records: the fee due on the cumulated base (`due_*`) and this line's
    own split of its TTC `increment` at the TVA rate (`ht`, `tva`: what the FEC books)."""
    line_ht = round_cents(increment * HUNDRED / (HUNDRED + fee.tva_rate)) if fee.tva_rate else increment
    return {
        "recovery_fee": True,
        "article": fee.article,
        "claim": plain_amount(base.claim),
        "base": plain_amount(fee.base),
        "interest_in_base": base.interest_included,
        "gross_ht": plain_amount(fee.gross),
        "dep_imputed": plain_amount(fee.dep),
        "due_ht": plain_amount(fee.ht),
        "due_tva": plain_amount(fee.tva),
        "due_ttc": plain_amount(fee.ttc),
        "ttc": plain_amount(increment),
        "ht": plain_amount(line_ht),
        "tva": plain_amount(increment - line_ht),
        "marks": list(dict.fromkeys(fee.marks + base.marks)),
    }


def settle(actor, dossier_id: int, fee: RecoveryFee, base: FeeBase, on: date, today: date) -> Decimal:
    """Bring the ledger to `fee.ttc` for its article: bill the increment, or reverse the
    last lines (newest first) until no more than due stands, then bill what is missing.
    Returns the net change (TTC). Runs inside the caller's write transaction."""
    from clerc_tui.services.billing import record_charge
    from clerc_tui.services.payments import reverse_entry

    lines = _billed_lines(_live_fee_entries(dossier_id), fee.article)
    standing = sum((e.amount for e in lines), ZERO)
    change = ZERO
    reason = f"Régularisation {fee.article} : assiette cumulée recalculée au {format_date(on)}"
    while standing > fee.ttc and lines and lines[-1].entry_date <= on:
        last = lines.pop()
        reverse_entry(actor, last.id, reason, on, today=today)
        standing -= last.amount
        change -= last.amount
    missing = fee.ttc - standing
    if missing > 0:
        record_charge(
            actor,
            dossier_id,
            kind=FEE,
            on=on,
            amount=missing,
            label=LABELS[fee.article],
            today=today,
            bearer=BEARER_OF[fee.article],
            invoice=True,
            breakdown=breakdown(fee, base, missing),
        )
        change += missing
    return change
