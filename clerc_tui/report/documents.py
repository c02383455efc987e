"""Printable invoices, credit notes and receipts, in French: text or HTML, from the
`Document` that `services/documents.py` gathers."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from clerc_tui.rules.text import inert

if TYPE_CHECKING:
    from clerc_tui.services.documents import Document


def document_text(document: Document) -> str:
    title, rows, notes = document.title, document.rows, document.notes
    width = max((len(label) for label, _ in rows), default=10) + 2
    out = (
        [*(n for n in notes[:3] if n), ""]
        + [f"*** {mark} ***" for mark in document.marks]
        + [title, "=" * len(title), ""]
    )
    out += [f"{label:<{width}}{value}" for label, value in rows]
    if notes[3:]:
        out += [""] + [f"* {n}" for n in notes[3:]]
    return inert("\n".join(out)) + "\n"


def document_html(document: Document) -> str:
    title, rows, notes = document.title, document.rows, document.notes

    def e(value) -> str:
        return html.escape(inert(value))

    body = "".join(f"<tr><th>{e(label)}</th><td>{e(value)}</td></tr>" for label, value in rows)
    header = "<br>".join(e(n) for n in notes[:3] if n)
    marks = "".join(f'<p class="mark"><strong>{e(mark)}</strong></p>' for mark in document.marks)
    extra = "".join(f"<li>{e(n)}</li>" for n in notes[3:])
    return (
        f'<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>{e(title)}</title>'
        "<style>body{font-family:sans-serif;max-width:42em;margin:2em auto}th{text-align:left;padding-right:2em}"
        "td{text-align:right}.mark{font-size:1.4em;color:#a00}</style></head>"
        f"<body><p>{header}</p>{marks}<h1>{e(title)}</h1><table>{body}</table>"
        + (f"<ul>{extra}</ul>" if extra else "")
        + "</body></html>\n"
    )
