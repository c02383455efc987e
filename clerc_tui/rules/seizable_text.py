"""The seizable part of a salary as text (pure): the one rendering of `clerc calc quotite`, the
calculator's « Quotité saisissable » tab (report/seizable.py) and the PV de saisie des
rémunérations (its « mode de calcul », services/acts.py). It lives in rules/ so that the act,
drafted by a service, prints the very same lines as the command and the tab."""

from __future__ import annotations

from decimal import Decimal

from clerc_tui.rules.french import NBSP, format_amount, format_date, format_fixed, format_integer
from clerc_tui.rules.seizable import Quotite, QuotiteLine, sbi


def _four(value: Decimal) -> str:
    """`1 228,3333`: a slice's figure to four decimals, grouped like every amount (an explanation;
    the total is exact)."""
    return format_fixed(value, 4)


def _dependants(count: int) -> str:
    if count == 0:
        return "aucune personne à charge"
    return f"{format_integer(count)} personne{'s' if count > 1 else ''} à charge"


def _slice(line: QuotiteLine) -> str:
    if line.high is None:
        return f"au-delà de {_four(line.low)}"
    return f"{_four(line.low)} → {_four(line.high)}"


def _sentence(line: QuotiteLine) -> str:
    """`Tranche de 518,3333 à 872,5000 € : 1/10 de 354,1667 € = 35,4167 €`: a bracket line as
    an act writes it (no column of spaces in a served text)."""
    euro = f"{NBSP}€"
    where = (
        f"Au-delà de {_four(line.low)}{euro}"
        if line.high is None
        else f"Tranche de {_four(line.low)} à {_four(line.high)}{euro}"
    )
    return f"{where} : {line.fraction_label} de {_four(line.base)}{euro} = {_four(line.amount)}{euro}"


def legal_reference(source: str) -> str:
    """The text itself, without where it was read: data/seizable.toml writes each source as
    « Décret n° … du …, JO du … — lu sur … ». A served act cites the décret, never a website."""
    return source.split(" — ", 1)[0]


def quotite_text(q: Quotite, *, act: bool = False) -> str:
    """The computation, line by line. `act=True`: as the PV de saisie des rémunérations prints
    it (its « mode de calcul »): the bracket lines as sentences instead of a table, the sources
    as the texts alone (`legal_reference`), and without the reminder of the bank account's SBI;
    every figure is the same."""
    cite = legal_reference if act else str
    lines = [
        f"Quotité saisissable au {format_date(q.on)} — salaire net {format_amount(q.net)}, {_dependants(q.dependants)}",
        f"Barème {q.year} (art. R3252-2 et R3252-3 C. trav.) : {cite(q.scale_source)}",
        f"Seuils mensuels = (seuil annuel + {format_integer(q.dependants)} × {format_amount(q.per_dependant)}) ÷ 12",
    ]
    if q.lines and act:
        lines += [f"  {_sentence(line)}" for line in q.lines]
    elif q.lines:
        head = "Tranche mensuelle (€)"
        width = max(len(head), *(len(_slice(line)) for line in q.lines))
        lines.append(f"  {head:<{width}}  Fraction  {'Part du net':>12}  {'Saisi':>10}")
        for line in q.lines:
            lines.append(
                f"  {_slice(line):<{width}}  {line.fraction_label:<8}  {_four(line.base):>12}  {_four(line.amount):>10}"
            )
    lines.append(f"Total du barème, arrondi une fois au centime : {format_amount(q.bareme)}")
    lines.append(f"Montant laissé dans tous les cas (RSA personne seule, R3252-5) : {format_amount(q.floor)}")
    lines.append(f"  {cite(q.floor_source)}")
    if q.capped:
        lines.append(
            f"Plafond appliqué : le barème donnait {format_amount(q.bareme)}, ramené à net − RSA pour que le "
            "salarié garde le RSA."
        )
    if q.alimony:
        lines.append(
            f"Pension alimentaire (paiement direct, L3252-5) : {format_amount(q.alimony_paid)} payés sur "
            f"{format_amount(q.alimony)} demandés, dont {format_amount(q.alimony_on_seizable)} pris sur la "
            "fraction saisissable"
        )
        if q.alimony_unpaid:
            lines.append(f"  Reste impayé ce mois-ci : {format_amount(q.alimony_unpaid)} (le RSA reste au salarié)")
    lines.append(f"Quotité saisissable (versée au répartiteur) : {format_amount(q.seizable)}")
    lines.append(f"Laissé au salarié : {format_amount(q.left)}")
    if not act:
        lines.append(
            f"Pour mémoire, solde bancaire insaisissable d'une saisie-attribution à cette date (L162-2 CPCE) : "
            f"{format_amount(sbi(q.on))}"
        )
    return "\n".join(lines) + "\n"
