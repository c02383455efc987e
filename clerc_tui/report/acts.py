"""Acts rendered from their Jinja2 templates (`clerc_tui/data/acts/*.txt.j2`) as text, HTML, or Rich.

The template receives `p`, the string each datum prints as (a visible « [À COMPLÉTER : …] »
placeholder when the datum is missing), and the `apparent` filter for « caractères très
apparents »: upper case in the text file, bold in HTML and in the preview. User data is never
read as markup: the text is plain, HTML escapes it, the preview builds Rich Text objects.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from functools import lru_cache

from jinja2 import Environment, PackageLoader, StrictUndefined
from rich.text import Text

from clerc_tui.rules import wording
from clerc_tui.rules.acts import APPARENT_END, APPARENT_START, ActType
from clerc_tui.rules.text import inert


def _apparent(value: str) -> str:
    return f"{APPARENT_START}{value}{APPARENT_END}"


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("clerc_tui", "data/acts"),
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=False,
    )
    env.filters["apparent"] = _apparent
    env.filters["de"] = wording.de  # « du tribunal », « de l'ordonnance », « d'Angers » (rules/wording.py)
    env.filters["a"] = wording.a
    env.filters["cap"] = wording.cap
    return env


def render(act: ActType, context: Mapping[str, object]) -> str:
    """The act's text with the « très apparent » sentinels (see `as_text`, `as_html`, `as_rich`)."""
    template = environment().get_template(f"{act.template}.txt.j2")
    body = template.render(act_label=act.label, **context).strip()
    # Old data may still hold a control or bidi character: shown as a placeholder, never kept
    # (the « très apparent » sentinels, control characters themselves, are left for _parts).
    return (
        APPARENT_START.join(
            APPARENT_END.join(inert(piece) for piece in part.split(APPARENT_END)) for part in body.split(APPARENT_START)
        )
        + "\n"
    )


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
