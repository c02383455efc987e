"""A stylesheet's rules joined once per test process for the same sources, not at each widget class
an app mounts for the first time.

Each piece of CSS is parsed once per process (`_share_parsed_css`, beside the call of `install` in
tests/conftest.py). But each time an app registers a widget class it has not shown yet, its
DEFAULT_CSS is added to the app's stylesheet, and the next style applied calls `Stylesheet.parse`
again: it walks every source (~100 for clerc's screens and widgets), asks the shared cache for each
one — whose key sorts the theme's ~150 variables, once per source — and the rules map is rebuilt
from all the rules. The apps of the screen tests go through the same sequences of sources: that was
~3.5 % of the CPU of tests/screens and tests/widgets (`py-spy`, 2.1 s of 60 s in the key alone).

Here `Stylesheet.parse` gives the rules and the rules map kept for the same sources, in the same
order, with the same variables: the same rule sets Textual would have joined (already shared
between apps by the per-piece cache), so the same styles. A stylesheet that met invalid CSS
parses as before (Textual skips what it refused, and raises the errors it finds)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from textual.css.model import RuleSet
from textual.css.stylesheet import Stylesheet

_joined: dict[tuple[Any, ...], tuple[list[RuleSet], dict[str, list[RuleSet]]]] = {}


def install() -> None:
    """Once per process (idempotent): `Stylesheet.parse` through the cache above."""
    if getattr(Stylesheet.parse, "_joined_once", False):
        return
    parse = Stylesheet.parse

    def joined_parse(self: Stylesheet) -> None:
        if self._invalid_css:
            parse(self)
            return
        key = (tuple(self.source.items()), tuple(sorted(self._variables.items())))
        found = _joined.get(key)
        if found is None:
            parse(self)  # raises on invalid CSS: nothing kept then
            rules_map: defaultdict[str, list[RuleSet]] = defaultdict(list)
            for rule in self._rules:
                for name in rule.selector_names:
                    rules_map[name].append(rule)
            found = _joined[key] = (self._rules, dict(rules_map))
        # Textual never changes these in place: it assigns new ones at its next parse.
        self._rules, self._rules_map = found
        self._require_parse = False

    joined_parse._joined_once = True  # type: ignore[attr-defined]
    Stylesheet.parse = joined_parse  # type: ignore[method-assign]
