"""The demo étude: `clerc demo` builds a realistic, deterministic base to try clerc on.

It sits beside the command line, above the services: it writes a whole étude in bulk
(build.py), draws names and amounts from data.py and walks each dossier's procedure steps
through the real deadline rules (deadlines.py).
"""

from clerc_tui.demo.build import PROVISIONAL_MARK, build_demo, is_demo_base, provisional_rates

__all__ = ["PROVISIONAL_MARK", "build_demo", "is_demo_base", "provisional_rates"]
