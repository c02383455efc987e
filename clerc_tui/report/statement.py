"""The décompte as the étude prints it: a Rich renderable, and text, HTML and JSON exports.

User text (labels typed by a clerc) always goes through `Text(...)`, never markup.
"""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path

from rich import box
from rich.console import Console, Group, JustifyMethod, RenderableType
from rich.table import Table
from rich.text import Text

from clerc_tui.report.exports import Export, write_export
from clerc_tui.rules.allocation import BUCKET_LABELS
from clerc_tui.rules.french import format_amount, format_date, format_percent, plain_amount, plain_rate
from clerc_tui.rules.interest import KIND_LABELS, InterestLine, InterestResult, day_basis_text
from clerc_tui.rules.rates import ETUDE_MARK
from clerc_tui.rules.statement import CHARGE_LABELS, ClaimItem, Statement
from clerc_tui.rules.text import inert
from clerc_tui.rules.vocabulary import CLAIM_KINDS

ETUDE_STYLE = "bold yellow"
WARNING_STYLE = "bold red"


def _amount(value: Decimal | None) -> Text:
    return Text("—" if value is None else format_amount(value), justify="right")


# Below this width (an 80-column terminal) the tables of figures take a compact form: dates,
# figures and amounts are never broken nor cut, only the texts wrap (docs/forms.md).
NARROW_WIDTH = 110


class _ByWidth:
    """A renderable built for the width it is drawn in."""

    def __init__(self, build):
        self.build = build

    def __rich_console__(self, console, options):
        yield self.build(options.max_width)


def _compact_table(title: str) -> Table:
    return Table(
        title=title,
        box=box.SIMPLE_HEAD,
        title_justify="left",
        expand=False,
        padding=(0, 1),
        collapse_padding=True,
        pad_edge=False,
        show_edge=False,
    )


def _interest_table(lines, title: str) -> _ByWidth:
    return _ByWidth(lambda width: _interest_table_at(lines, title, width))


def _interest_table_at(lines, title: str, width: int) -> Table | Group:
    if width >= NARROW_WIDTH:
        table = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left", expand=False)
        columns: tuple[tuple[str, JustifyMethod], ...] = (
            ("Du", "left"),
            ("Au", "left"),
            ("Jours", "right"),
            ("Base", "right"),
            ("Taux", "right"),
            ("Diviseur", "right"),
            ("Nature", "left"),
            ("Fondement", "left"),
            ("Montant", "right"),
        )
        for name, justify in columns:
            table.add_column(name, justify=justify, overflow="fold", no_wrap=name in ("Du", "Au"))
        # The article in the column, the act that set the rate (arrêté, décret) once under the
        # table by number: in the column, a half-year's arrêté wrapped each line over 5 to 7 rows.
        acts: dict[str, int] = {}
        for line in lines:
            label = line.label + (f" ({line.note})" if line.note else "")
            article, _, act = line.basis.partition(" ; ")
            basis = Text(article)
            if act:
                basis.append(f" [{acts.setdefault(act, len(acts) + 1)}]")
            table.add_row(
                format_date(line.start),
                format_date(line.end),
                str(line.days),
                format_amount(line.base),
                format_percent(line.rate),
                line.year_text,
                Text(label),
                basis,
                format_amount(line.amount),
                style=ETUDE_STYLE if line.from_etude else None,
            )
        if not acts:
            return table
        notes = Text("Taux fixés par :", style="dim")
        for act, number in acts.items():
            notes.append(f"\n[{number}] {act}", style="dim")
        return Group(table, notes)
    # Compact: the figures in the table, each period's nature and fondement under it, by number.
    table = _compact_table(title)
    compact_columns: tuple[tuple[str, JustifyMethod], ...] = (
        ("N°", "right"),
        ("Du", "left"),
        ("Au", "left"),
        ("Jours", "right"),
        ("Base", "right"),
        ("Taux", "right"),
        ("Div.", "right"),
        ("Montant", "right"),
    )
    for name, justify in compact_columns:
        table.add_column(name, justify=justify, no_wrap=True)
    notes = Text()
    for n, line in enumerate(lines, start=1):
        style = ETUDE_STYLE if line.from_etude else None
        label = line.label + (f" ({line.note})" if line.note else "")
        table.add_row(
            str(n),
            format_date(line.start),
            format_date(line.end),
            str(line.days),
            format_amount(line.base),
            format_percent(line.rate),
            line.year_text,
            format_amount(line.amount),
            style=style,
        )
        notes.append(f"{n}. ", style="bold")
        notes.append(Text(f"{label} — {line.basis}\n", style=style or ""))
    notes.rstrip()
    return Group(table, notes)


def interest_renderable(result: InterestResult) -> Group:
    """An ad-hoc interest computation (calculator, `clerc calc interest`)."""
    parts: list[RenderableType] = [
        Text(
            f"Intérêts sur {format_amount(result.principal)} du {format_date(result.start)} au "
            f"{format_date(result.end)} — {result.terms.describe()}",
            style="bold",
        ),
        _interest_table(result.lines, "Détail par période"),
    ]
    for cap in result.capitalisations:
        parts.append(
            Text(
                f"Capitalisation au {format_date(cap.on)} : {format_amount(cap.amount)} ajoutés à la base "
                f"(art. 1343-2 C. civ.), nouvelle base {format_amount(cap.base_after)}"
            )
        )
    totals = Table(box=None, show_header=False)
    totals.add_column()
    totals.add_column(justify="right")
    totals.add_row(f"Total des intérêts ({result.days} jours)", format_amount(result.interest))
    if result.indemnity:
        totals.add_row("Indemnité forfaitaire de recouvrement (art. D441-5 C. com.)", format_amount(result.indemnity))
        totals.add_row(Text("Total", style="bold"), Text(format_amount(result.total), style="bold"))
    parts.append(totals)
    if result.uses_etude_rates:
        parts.append(Text(f"Certaines périodes utilisent un {ETUDE_MARK}.", style=ETUDE_STYLE))
    parts.append(Text(result.convention.describe(result.terms), style="dim"))
    return Group(*parts)


def _warnings(statement: Statement) -> list[Text]:
    return [Text(f"Attention — {warning}", style=WARNING_STYLE) for warning in statement.warnings]


def _stream_parts(s: Statement, title: str, capitalised: str) -> list[RenderableType]:
    """The interest lines and capitalisations: one group when every item runs on the dossier's
    terms from its start, else one group per stream, headed by its items, terms and start."""
    parts: list[RenderableType] = []
    groups = [(title, s.interest_lines, s.capitalisations)]
    if not s.one_regime:
        groups = [(f"{title} — {st.describe()}", st.lines, st.capitalisations) for st in s.streams]
    for heading, lines, caps in groups:
        if lines:
            parts.append(_interest_table(lines, heading))
        for cap in caps:
            parts.append(
                Text(
                    f"Capitalisation au {format_date(cap.on)} : {format_amount(cap.amount)} {capitalised} "
                    f"(art. 1343-2 C. civ.), base {format_amount(cap.base_after)}"
                )
            )
    return parts


def _terms_texts(s: Statement) -> list[Text]:
    """The interest each group bears and from when (one line per stream when they differ)."""
    if s.one_regime:
        return [Text(f"Intérêts : {s.terms.describe()}, à compter du {format_date(s.interest_from)}.")]
    return [Text(f"Intérêts — {st.describe()}.") for st in s.streams]


def _convention_texts(s: Statement) -> list[Text]:
    """The convention, with the day basis of the dossier's terms, and of each stream's other terms."""
    texts = [Text(s.convention.describe(s.terms), style="dim")]
    said = {day_basis_text(s.terms, s.convention)}
    for st in s.streams:
        basis = day_basis_text(st.terms, s.convention)
        if basis not in said:
            said.add(basis)
            texts.append(Text(f"{st.label} : {basis}.", style="dim"))
    return texts


def statement_interest_renderable(statement: Statement) -> Group:
    """The interest of a décompte alone, line by line (period, days, base, rate, kind, basis)."""
    s = statement
    parts: list[RenderableType] = [
        Text(
            f"Intérêts du {format_date(s.interest_from)} au {format_date(s.at)}"
            + (f" — dossier {s.reference}" if s.reference else ""),
            style="bold",
        ),
        *([Text(f"{s.terms.describe()}.")] if s.one_regime else _terms_texts(s)),
        *_warnings(s),
    ]
    if s.interest_lines:
        parts.extend(_stream_parts(s, "Détail par période", "ajoutés au principal"))
    else:
        parts.append(Text("Aucun intérêt couru à cette date."))
    parts.append(
        Text(
            f"Intérêts courus : {format_amount(s.interest_accrued)} ; restant dus à cette date : "
            f"{format_amount(s.interest_due)}",
            style="bold",
        )
    )
    if s.uses_etude_rates:
        parts.append(Text(f"Lignes en jaune : {ETUDE_MARK}.", style=ETUDE_STYLE))
    parts.extend(_convention_texts(s))
    return Group(*parts)


def statement_renderable(statement: Statement) -> Group:
    s = statement
    title = f"Décompte arrêté au {format_date(s.at)}"
    if s.reference:
        title += f" — dossier {s.reference}"
    parts: list[RenderableType] = [
        Text(title, style="bold"),
        *_terms_texts(s),
        *_warnings(s),
    ]

    items = Table(title="Sommes dues en vertu du titre", box=box.SIMPLE_HEAD, title_justify="left")
    items.add_column("Nature")
    items.add_column("Libellé")
    items.add_column("Porte intérêts")
    items.add_column("Montant", justify="right", no_wrap=True)
    for item in s.items:
        stream = s.stream_of(item)
        bears = "non" if stream is None else "oui" if s.one_regime else stream.short()
        items.add_row(
            CLAIM_KINDS[item.kind],
            Text(item.label),
            bears,
            format_amount(item.amount),
        )
    parts.append(items)

    parts.extend(_stream_parts(s, "Intérêts", "d'intérêts échus ajoutés au principal"))

    if s.charges:
        charges = Table(title="Frais", box=box.SIMPLE_HEAD, title_justify="left")
        charges.add_column("Date", no_wrap=True)
        charges.add_column("Libellé")
        charges.add_column("Nature")
        charges.add_column("Montant", justify="right", no_wrap=True)
        for charge in s.charges:
            charges.add_row(
                format_date(charge.on), Text(charge.label), CHARGE_LABELS[charge.kind], format_amount(charge.amount)
            )
        parts.append(charges)

    if s.payments:
        parts.append(_ByWidth(lambda width: _payments_table(s, width)))
        order = " → ".join(BUCKET_LABELS[b] for b in s.allocation_order)
        parts.append(Text(f"Ordre d'imputation : {order} (art. 1343-1 C. civ.).", style="dim"))
        if len(s.streams) > 1:
            parts.append(
                Text(
                    "Entre les sommes portant des intérêts différents, intérêts puis principal de la somme au taux "
                    "le plus élevé au jour du paiement d'abord, puis de la plus ancienne (art. 1342-10 C. civ.).",
                    style="dim",
                )
            )
    for rev in s.reversals:
        parts.append(
            Text(
                f"Paiement du {format_date(rev.payment.on)} ({format_amount(rev.payment.amount)}) annulé le "
                f"{format_date(rev.reversal.on)}"
                + (f" : {rev.reversal.reason}" if rev.reversal.reason else "")
                + " ; le décompte est établi comme s'il n'avait jamais été reçu (imputation barrée)."
            )
        )

    totals = Table(title="Totaux", box=box.SIMPLE_HEAD, title_justify="left", show_header=False)
    totals.add_column()
    totals.add_column(justify="right")
    totals.add_row("Principal restant dû", format_amount(s.principal_due))
    totals.add_row("Intérêts échus", format_amount(s.interest_due))
    totals.add_row("Frais", format_amount(s.frais_due))
    totals.add_row(Text("Total dû", style="bold"), Text(format_amount(s.total_due), style="bold"))
    if s.credit:
        totals.add_row(
            Text("Trop-perçu à rembourser au débiteur", style="bold"), Text(format_amount(s.credit), style="bold")
        )
    parts.append(totals)

    seizure = s.seizure
    split = Table(
        title="Pour un acte de saisie-attribution (art. R211-1 CPCE)",
        box=box.SIMPLE_HEAD,
        title_justify="left",
        show_header=False,
    )
    split.add_column()
    split.add_column(justify="right")
    split.add_row("Principal", format_amount(seizure.principal))
    split.add_row("Frais", format_amount(seizure.frais))
    split.add_row("Intérêts échus", format_amount(seizure.interets))
    split.add_row(
        f"Provision pour un mois d'intérêts à échoir (jusqu'au {format_date(s.interest_to_come_until)})",
        _amount(seizure.interest_to_come),
    )
    split.add_row(Text("Total", style="bold"), Text(format_amount(seizure.total), style="bold"))
    parts.append(split)

    if s.uses_etude_rates:
        parts.append(
            Text(f"Attention : ce décompte utilise au moins un {ETUDE_MARK} (lignes signalées).", style=ETUDE_STYLE)
        )
    for note in s.notes:
        parts.append(Text(note, style="italic"))
    parts.extend(_warnings(s))
    parts.extend(_convention_texts(s))
    return Group(*parts)


def _payments_table(s: Statement, width: int) -> Table:
    wide = width >= NARROW_WIDTH
    headers: tuple[str, ...]
    if wide:
        payments = Table(title="Paiements et imputation", box=box.SIMPLE_HEAD, title_justify="left")
        headers = ("Date", "Montant", "Frais", "Intérêts", "Principal", "Trop-perçu", "Reste dû après", "État")
    else:
        # No room for « rejeté le … » at 80 columns: the row is struck through and the line
        # under the table says when the payment was rejected.
        payments = _compact_table("Paiements et imputation")
        headers = ("Date", "Montant", "Frais", "Intérêts", "Principal", "Trop-\nperçu", "Reste dû\naprès")
    for name in headers:
        payments.add_column(name, justify="left" if name in ("Date", "État") else "right", no_wrap=name != "État")
    for line in s.payments:
        a = line.allocation
        cells: list[str | Text] = [
            format_date(line.payment.on),
            format_amount(a.amount),
            format_amount(a.frais),
            format_amount(a.interets),
            format_amount(a.principal),
            format_amount(a.credit),
            format_amount(line.balance_after),
        ]
        if wide:
            cells.append(Text(f"rejeté le {format_date(line.reversed_on)}" if line.reversed_on else ""))
        payments.add_row(*cells, style="strike dim" if line.reversed_on else None)
    return payments


def _console(width: int) -> Console:
    return Console(
        record=True, width=width, file=io.StringIO(), force_terminal=False, color_system=None, legacy_windows=False
    )


def render_text(renderable, width: int = 120) -> str:
    console = _console(width)
    console.print(renderable)
    return inert(console.export_text())


def statement_text(statement: Statement, width: int = 120) -> str:
    return render_text(statement_renderable(statement), width)


def statement_html(statement: Statement, width: int = 120) -> str:
    console = Console(record=True, width=width, file=io.StringIO(), force_terminal=True, color_system="truecolor")
    console.print(statement_renderable(statement))
    return inert(console.export_html(inline_styles=True))


def statement_pdf(statement: Statement, letterhead: tuple[str, ...] = ()) -> bytes:
    """The décompte as PDF: the same renderable as the text and HTML formats (its tables, cells
    and texts, drawn wide), laid out on A4 pages under the étude's letterhead (report/pdf.py)."""
    from clerc_tui.report.blocks import PdfDocument
    from clerc_tui.report.pdf import document_pdf, renderable_blocks

    blocks = renderable_blocks(statement_renderable(statement), PDF_WIDTH)
    title = f"Décompte arrêté au {format_date(statement.at)}"
    if statement.reference:
        title += f" — dossier {statement.reference}"
    # The renderable's first line is that same title: the document prints it once, as its title.
    if blocks and getattr(blocks[0], "text", None) == title:
        blocks = blocks[1:]
    return document_pdf(PdfDocument(title, blocks, letterhead, footer=title))


# Wide enough for the full tables (NARROW_WIDTH and up): paper has room for every column.
PDF_WIDTH = 160


def _money(value: Decimal | None) -> str | None:
    return None if value is None else plain_amount(value)


def _line_dict(line: InterestLine) -> dict:
    return {
        "start": line.start.isoformat(),
        "end": line.end.isoformat(),
        "days": line.days,
        "base": _money(line.base),
        "rate": plain_rate(line.rate),
        "divisor": line.divisor,
        "kind": line.kind,
        "label": line.label,
        "basis": line.basis,
        "amount": _money(line.amount),
        "rate_from_etude": line.from_etude,
        **({"note": line.note} if line.note else {}),
    }


def interest_to_dict(result: InterestResult) -> dict:
    return {
        "principal": _money(result.principal),
        "start": result.start.isoformat(),
        "end": result.end.isoformat(),
        "kind": result.terms.kind,
        "kind_label": KIND_LABELS[result.terms.kind],
        "category": result.terms.category,
        "terms": result.terms.describe(),
        "day_basis": result.terms.day_basis,
        "lines": [_line_dict(line) for line in result.lines],
        "capitalisations": [
            {"on": c.on.isoformat(), "amount": _money(c.amount), "base_after": _money(c.base_after)}
            for c in result.capitalisations
        ],
        "days": result.days,
        "interest": _money(result.interest),
        "indemnity": _money(result.indemnity),
        "total": _money(result.total),
        "convention": {
            "day_count": result.convention.day_count,
            "rounding": result.convention.rounding,
            "divisor": result.convention.divisor,
            "text": result.convention.describe(result.terms),
        },
        "uses_etude_rates": result.uses_etude_rates,
    }


def _item_dict(s: Statement, item: ClaimItem) -> dict:
    stream = s.stream_of(item)
    return {
        "kind": item.kind,
        "label": item.label,
        "amount": _money(item.amount),
        "bears_interest": stream is not None,
        "interest": stream.short() if stream is not None else None,
    }


def statement_to_dict(statement: Statement) -> dict:
    s = statement
    return {
        "reference": s.reference,
        "at": s.at.isoformat(),
        "interest_from": s.interest_from.isoformat(),
        "terms": {
            "kind": s.terms.kind,
            "category": s.terms.category,
            "day_basis": s.terms.day_basis,
            "text": s.terms.describe(),
        },
        "warnings": list(s.warnings),
        "convention": {
            "day_count": s.convention.day_count,
            "rounding": s.convention.rounding,
            "divisor": s.convention.divisor,
            "text": s.convention.describe(s.terms),
        },
        "allocation_order": list(s.allocation_order),
        "items": [_item_dict(s, i) for i in s.items],
        "streams": [
            {
                "items": [i.label for i in st.items],
                "kind": st.terms.kind,
                "rate": plain_rate(st.terms.rate) if st.terms.rate is not None else None,
                "from": st.start.isoformat(),
                "text": st.describe(),
                "principal_due": _money(st.principal_due),
                "interest_due": _money(st.interest_due),
            }
            for st in s.streams
        ],
        "interest_lines": [_line_dict(line) for line in s.interest_lines],
        "capitalisations": [
            {"on": c.on.isoformat(), "amount": _money(c.amount), "base_after": _money(c.base_after)}
            for c in s.capitalisations
        ],
        "charges": [
            {"on": c.on.isoformat(), "label": c.label, "kind": c.kind, "amount": _money(c.amount)} for c in s.charges
        ],
        "payments": [
            {
                "on": p.payment.on.isoformat(),
                "ref": p.payment.ref,
                "amount": _money(p.payment.amount),
                "frais": _money(p.allocation.frais),
                "interets": _money(p.allocation.interets),
                "principal": _money(p.allocation.principal),
                "credit": _money(p.allocation.credit),
                "balance_after": _money(p.balance_after),
                "reversed_on": p.reversed_on.isoformat() if p.reversed_on else None,
            }
            for p in s.payments
        ],
        "totals": {
            "principal_due": _money(s.principal_due),
            "interest_due": _money(s.interest_due),
            "frais_due": _money(s.frais_due),
            "total_due": _money(s.total_due),
            "credit": _money(s.credit),
            "interest_accrued": _money(s.interest_accrued),
            "paid": _money(s.paid),
        },
        "saisie_attribution": {
            "principal": _money(s.seizure.principal),
            "frais": _money(s.seizure.frais),
            "interets": _money(s.seizure.interets),
            "interest_to_come": _money(s.seizure.interest_to_come),
            "interest_to_come_until": s.interest_to_come_until.isoformat(),
            "total": _money(s.seizure.total),
        },
        "uses_etude_rates": s.uses_etude_rates,
        "notes": list(s.notes),
    }


def statement_json(statement: Statement) -> str:
    return inert(json.dumps(statement_to_dict(statement), ensure_ascii=False, indent=2))


def export_statement(statement: Statement, folder: Path | None = None) -> Export:
    """Write the décompte as text, HTML and JSON into `folder` (default: exports/ under the
    XDG data path), named after the dossier and the arrêté date."""
    stem = f"decompte-{statement.reference or 'sans-reference'}-{statement.at:%Y-%m-%d}"
    return write_export(
        folder,
        stem,
        (
            (".txt", statement_text(statement)),
            (".html", statement_html(statement)),
            (".json", statement_json(statement) + "\n"),
        ),
    )
