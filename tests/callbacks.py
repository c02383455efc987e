"""How many arguments a Textual callback takes, worked out once per function's code per test
process, not at each call.

Textual calls every callback it is handed (`call_later`, `call_after_refresh`, a watcher, a
timer's) with as many of its arguments as the callback takes (`textual._callback.count_parameters`:
`len(inspect.signature(callback).parameters)`). It keeps the count on the function object, but
most callbacks are made anew at each call — a closure per widget mounted (`Widget.mount`'s
`update_styles`), a bound method per message, a `partial` — so `inspect.signature` ran again each
time: ~1.2 % of the CPU of tests/screens and tests/widgets (py-spy), ~6,000 signatures for
test_forms and test_dossier_screens.

For a plain Python function, or a method bound to one, without `__wrapped__`, `__signature__` or
a partialmethod's mark (which `inspect.signature` would follow instead), the count follows from its code object alone
(its positional, keyword-only, *args and **kwargs parameters; defaults do not change it): kept per
code object, and per bound or not, the count is the one `inspect.signature` gave the first time.
Any other callable (a `partial` of one is counted through its function, as Textual does; an object
with `__call__`) is counted as before."""

from __future__ import annotations

import types
from collections.abc import Callable
from typing import Any

import textual._callback

_counts: dict[tuple[bool, types.CodeType], int] = {}
# What `inspect.signature` reads on a function instead of its code: the function it wraps, a
# signature set by hand, the partialmethod it was made from (Python 3.11's name, then 3.13's).
_FOLLOWED = ("__wrapped__", "__signature__", "_partialmethod", "__partialmethod__")


def install() -> None:
    """Once per process (idempotent): Textual's `_count_parameters` through the cache above."""
    count = textual._callback._count_parameters
    if getattr(count, "_per_code", False):
        return

    def _count_parameters(func: Callable[..., Any]) -> int:
        function = func.__func__ if isinstance(func, types.MethodType) else func
        if not isinstance(function, types.FunctionType) or any(hasattr(function, name) for name in _FOLLOWED):
            return count(func)
        key = (function is not func, function.__code__)
        found = _counts.get(key)
        if found is None:
            found = _counts[key] = count(func)
        return found

    _count_parameters._per_code = True  # type: ignore[attr-defined]
    textual._callback._count_parameters = _count_parameters
