"""`clerc demo`: builds (or reopens) the demonstration étude."""

from __future__ import annotations

import signal

from clerc_tui.cli.options import database_url, open_app, today_of
from clerc_tui.errors import ClercError

COMMANDS = ("demo",)


def add_parsers(sub) -> None:
    demo = sub.add_parser("demo", help="crée une base de démonstration réaliste")
    demo.add_argument("--dossiers", type=int, default=2000, help="nombre de dossiers (défaut 2000)")
    demo.add_argument("--seed", type=int, default=1, help="graine du tirage (défaut 1)")
    demo.add_argument(
        "--force", action="store_true", help="recrée la base si c'est déjà une base de démonstration (jamais une autre)"
    )
    demo.add_argument("--open", action="store_true", help="ouvre clerc sur la base une fois créée")


def _interrupted(signum, _frame):
    raise KeyboardInterrupt


def run(args) -> int:
    from clerc_tui.demo import build_demo, is_demo_base
    from clerc_tui.services.database import sqlite_path

    url = database_url(args)
    path = sqlite_path(url)
    if args.open and not args.force and path is not None and path.exists():
        # The README's first command, run again: open the demo as the clerc left it.
        if not is_demo_base(path):
            raise ClercError(
                f"{path} n'est pas une base de démonstration : clerc demo ne l'ouvre pas. "
                f"Pour l'ouvrir : clerc --db {path}"
            )
        print(f"Base de démonstration existante conservée : {url} (--force pour la recréer).")
    else:
        # A terminal closed (SSH dropped) or a kill during the build: the temporary file is
        # removed on the way out (build_demo), the target stays as it was.
        for signum in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, _interrupted)
        from clerc_tui.cli.progress import progress_bar

        with progress_bar("Démonstration : dossiers") as tick:
            summary = build_demo(
                url, dossiers=args.dossiers, seed=args.seed, today=today_of(args), force=args.force, progress=tick
            )
        print(summary)
    if args.open:
        return open_app(args)
    return 0
