"""An act's body (rules/act_text.py `render`) printed as text, HTML, or Rich, and exported.

« Caractères très apparents » (between the sentinels of rules/acts.py) are upper case in the
text file, bold in HTML and in the preview. User data is never read as markup: the text is
plain, HTML escapes it, the preview builds Rich Text objects.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text

from clerc_tui.report.exports import Export, write_export
from clerc_tui.rules.acts import APPARENT_END, APPARENT_START

if TYPE_CHECKING:
    from clerc_tui.services.acts import ActExport


def _parts(body: str):
    """(text, apparent) pieces of a rendered body."""
    rest = body
    while rest:
        start = rest.find(APPARENT_START)
        if start < 0:
            yield rest, False
            return
        if start:
            yield rest[:start], False
        end = rest.find(APPARENT_END, start)
        end = len(rest) if end < 0 else end
        yield rest[start + 1 : end], True
        rest = rest[end + 1 :]


INCOMPLETE_BANNER = "PROJET INCOMPLET — NE PAS SIGNIFIER"


def as_text(body: str, banner: str = "") -> str:
    text = "".join(piece.upper() if apparent else piece for piece, apparent in _parts(body))
    return (banner + "\n\n" + text) if banner else text


def as_html(body: str, title: str, banner: str = "") -> str:
    pieces = "".join(
        f"<strong>{html.escape(piece)}</strong>" if apparent else html.escape(piece) for piece, apparent in _parts(body)
    )
    head = f'<p class="banner">{html.escape(banner)}</p>\n' if banner else ""
    return (
        '<!DOCTYPE html>\n<html lang="fr">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n"
        "<style>body { font-family: serif; max-width: 48em; margin: 2em auto; }"
        " .acte { white-space: pre-wrap; } .banner { color: #b00; font-weight: bold; }"
        " strong { font-size: 1.05em; }</style>\n"
        f'</head>\n<body>\n{head}<div class="acte">{pieces}</div>\n</body>\n</html>\n'
    )


def as_rich(body: str) -> Text:
    text = Text()
    for piece, apparent in _parts(body):
        text.append(piece, style="bold" if apparent else "")
    return text


def export_act(act: ActExport, folder: Path | None = None) -> Export:
    """The act as text and HTML under exports/ (XDG data path). An incomplete draft is exported
    with a banner saying it must not be served."""
    banner = INCOMPLETE_BANNER if act.incomplete else ""
    return write_export(
        folder,
        act.stem,
        ((".txt", as_text(act.body, banner)), (".html", as_html(act.body, act.title, banner))),
        incomplete=act.incomplete,
    )
