"""The seizable part of a salary and its répartition, as text and as JSON-ready dicts, for
`clerc calc quotite` and the calculator's « Quotité saisissable » tab (one rendering for both;
the quotité's text is rules/seizable_text.py's, which the PV de saisie des rémunérations prints too)."""

from __future__ import annotations

from clerc_tui.rules.french import format_amount, plain_amount
from clerc_tui.rules.seizable import Quotite, Repartition, sbi
from clerc_tui.rules.seizable_text import quotite_text as quotite_text  # the one text, shared with the acts


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
