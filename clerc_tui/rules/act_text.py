"""An act's text from its Jinja2 template (`clerc_tui/data/acts/*.txt.j2`) and its data.

The template receives `p`, the string each datum prints as (a visible « [À COMPLÉTER : …] »
placeholder when the datum is missing), and the `apparent` filter for « caractères très
apparents », which wraps the words in the sentinels of rules/acts.py: the text file prints
them in upper case, HTML and the preview in bold (report/acts.py). User data is never read
as markup: the text is plain (no autoescape, no HTML). The body is frozen in the act when
it is validated (services/acts.py), so a reprint never changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from jinja2 import Environment, PackageLoader, StrictUndefined

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
    """The act's text with the « très apparent » sentinels (report/acts.py prints them)."""
    template = environment().get_template(f"{act.template}.txt.j2")
    body = template.render(act_label=act.label, **context).strip()
    # Old data may still hold a control or bidi character: shown as a placeholder, never kept
    # (the « très apparent » sentinels, control characters themselves, are left for the printers).
    return (
        APPARENT_START.join(
            APPARENT_END.join(inert(piece) for piece in part.split(APPARENT_END)) for part in body.split(APPARENT_START)
        )
        + "\n"
    )
