"""The demo étude: `clerc demo` builds a realistic, deterministic base to try clerc on.

It sits beside the command line, above the services: it writes a whole étude in bulk
(build.py), draws names and amounts from data.py and walks each dossier's procedure steps
through the real deadline rules (deadlines.py).

`build_demo` and its companions are imported from build.py when first named (PEP 562): the
demo's second process (`python -m clerc_tui.demo.worker`) imports this package first, and
build.py (peewee, the services, the amicable rules: ~0.1 s of CPU) is not what it runs.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from clerc_tui.demo.build import PROVISIONAL_MARK, build_demo, is_demo_base, provisional_rates

__all__ = ["PROVISIONAL_MARK", "build_demo", "is_demo_base", "provisional_rates"]


def __getattr__(name: str) -> object:
    if name not in __all__:  # a submodule (`from clerc_tui.demo import worker`): then imported as such
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.build"), name)
    globals()[name] = value  # asked once
    return value
