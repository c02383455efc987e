"""The seizable part of a salary and its répartition, as text and as JSON-ready dicts, for
`clerc calc quotite` and the calculator's « Quotité saisissable » tab (one rendering for both)."""

from __future__ import annotations

from decimal import Decimal

from clerc_tui.rules.french import format_amount, format_date, format_fixed, format_integer, plain_amount
from clerc_tui.rules.seizable import Quotite, QuotiteLine, Repartition, sbi


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


def quotite_text(q: Quotite) -> str:
    lines = [
        f"Quotité saisissable au {format_date(q.on)} — salaire net {format_amount(q.net)}, {_dependants(q.dependants)}",
        f"Barème {q.year} (art. R3252-2 et R3252-3 C. trav.) : {q.scale_source}",
        f"Seuils mensuels = (seuil annuel + {format_integer(q.dependants)} × {format_amount(q.per_dependant)}) ÷ 12",
    ]
    if q.lines:
        head = "Tranche mensuelle (€)"
        width = max(len(head), *(len(_slice(line)) for line in q.lines))
        lines.append(f"  {head:<{width}}  Fraction  {'Part du net':>12}  {'Saisi':>10}")
        for line in q.lines:
            lines.append(
                f"  {_slice(line):<{width}}  {line.fraction_label:<8}  {_four(line.base):>12}  {_four(line.amount):>10}"
            )
    lines.append(f"Total du barème, arrondi une fois au centime : {format_amount(q.bareme)}")
    lines.append(f"Montant laissé dans tous les cas (RSA personne seule, R3252-5) : {format_amount(q.floor)}")
    lines.append(f"  {q.floor_source}")
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
    lines.append(
        f"Pour mémoire, solde bancaire insaisissable d'une saisie-attribution à cette date (L162-2 CPCE) : "
        f"{format_amount(sbi(q.on))}"
    )
    return "\n".join(lines) + "\n"


def repartition_text(r: Repartition) -> str:
    lines = [f"Répartition de {format_amount(r.amount)} entre les créanciers inscrits (L212-10 CPCE) :"]
    width = max((len(s.name) for s in r.shares), default=0)
    for share in r.shares:
        mark = f" (petite créance ≤ {format_amount(r.priority_max)}, payée en priorité)" if share.priority else ""
        lines.append(
            f"  {share.name:<{width}}  créance {format_amount(share.claim):>14}"
            f"  reçoit {format_amount(share.amount):>12}  reste dû {format_amount(share.still_owed):>12}{mark}"
        )
    if r.returned:
        lines.append(f"  Rendu au débiteur (au-delà de toutes les créances) : {format_amount(r.returned)}")
    return "\n".join(lines) + "\n"


def quotite_to_dict(q: Quotite) -> dict:
    return {
        "date": q.on.isoformat(),
        "year": q.year,
        "net": plain_amount(q.net),
        "dependants": q.dependants,
        "seizable": plain_amount(q.seizable),
        "left": plain_amount(q.left),
        "floor": plain_amount(q.floor),
        "sbi": plain_amount(sbi(q.on)),
        "capped": q.capped,
        "bareme": plain_amount(q.bareme),
        "per_dependant": plain_amount(q.per_dependant),
        "alimony": plain_amount(q.alimony),
        "alimony_paid": plain_amount(q.alimony_paid),
        "alimony_on_seizable": plain_amount(q.alimony_on_seizable),
        "lines": [
            {
                "low": f"{line.low:.4f}",
                "high": None if line.high is None else f"{line.high:.4f}",
                "fraction": str(line.fraction),
                "base": f"{line.base:.4f}",
                "amount": f"{line.amount:.4f}",
            }
            for line in q.lines
        ],
        "sources": {"scale": q.scale_source, "floor": q.floor_source},
    }


def repartition_to_dict(r: Repartition) -> dict:
    return {
        "amount": plain_amount(r.amount),
        "returned": plain_amount(r.returned),
        "priority_max": plain_amount(r.priority_max),
        "source": r.source,
        "shares": [
            {
                "name": s.name,
                "claim": plain_amount(s.claim),
                "amount": plain_amount(s.amount),
                "still_owed": plain_amount(s.still_owed),
                "priority": s.priority,
            }
            for s in r.shares
        ],
    }
