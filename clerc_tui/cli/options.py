"""What every `clerc` sub-command shares: the French parser, the global options, the base and the day."""

from __future__ import annotations

import argparse
import gc
import sys
from datetime import date, datetime
from typing import TYPE_CHECKING, NoReturn

from clerc_tui.errors import ClercError, InvalidInput
from clerc_tui.rules.french import parse_date

if TYPE_CHECKING:
    from clerc_tui.config import DatabaseChoice


class Parser(argparse.ArgumentParser):
    """argparse that speaks French on errors and exits 2 like every bad input."""

    def error(self, message: str) -> NoReturn:  # argparse hook
        self.print_usage(sys.stderr)
        sys.stderr.write(f"clerc : erreur : {message}\n")
        raise SystemExit(2)


def date_arg(text: str) -> date:
    try:
        return parse_date(text)
    except ClercError as exc:
        raise argparse.ArgumentTypeError(exc.message) from None


def now_arg(text: str) -> datetime:
    """`--now`: « AAAA-MM-JJ HH:MM » (or « JJ/MM/AAAA HH:MM »)."""
    cleaned = " ".join(text.replace("T", " ").split())
    for pattern in ("%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"):
        try:
            return datetime.strptime(cleaned, pattern)
        except ValueError:
            continue
    raise argparse.ArgumentTypeError(f"« {text} » n'est pas une date et une heure (AAAA-MM-JJ HH:MM)")


def add_global_options(parser: argparse.ArgumentParser, **kwargs) -> None:
    parser.add_argument(
        "--db", metavar="CHEMIN", help="base de données (chemin SQLite ou URL postgresql://…)", **kwargs
    )
    parser.add_argument(
        "--today",
        type=date_arg,
        metavar="JJ/MM/AAAA",
        help="date du jour à utiliser (jj/mm/aaaa), pour les essais",
        **kwargs,
    )
    parser.add_argument(
        "--now",
        type=now_arg,
        metavar="'AAAA-MM-JJ HH:MM'",
        help="date et heure à utiliser (heures de contact, campagnes), pour les essais ; fixe aussi le jour",
        **kwargs,
    )


def database_choice(args: argparse.Namespace) -> DatabaseChoice:
    """The base the command names: --db, CLERC_DATABASE, the user's config, the étude's
    (/etc/clerc/config.toml), the XDG path (config.choose_database)."""
    from clerc_tui.config import choose_database

    return choose_database(getattr(args, "db", None))


def database_url(args: argparse.Namespace) -> str:
    return database_choice(args).target


def open_base(args: argparse.Namespace) -> None:
    """Open the base the command names (never creates one: `clerc init` does)."""
    from clerc_tui.services.database import open_database

    open_database(database_url(args))


def today_of(args: argparse.Namespace) -> date:
    """The day the command works at: `--today` (or the day of `--now`) for trials, else the clock
    (the CLI's only clock). A `--today` that is not `--now`'s day is refused."""
    today, now = getattr(args, "today", None), getattr(args, "now", None)
    if now is not None:
        if today is not None and today != now.date():
            raise ClercError(
                f"--today {today:%d/%m/%Y} et --now {now:%Y-%m-%d %H:%M} se contredisent : "
                "--now fixe aussi le jour, donnez l'un ou l'autre."
            )
        return now.date()
    return today or date.today()


def now_of(args: argparse.Namespace) -> datetime:
    """The moment the command works at: `--now` for trials, else the clock; with `--today` alone,
    that day at the clock's time."""
    now = getattr(args, "now", None)
    if now is not None:
        today_of(args)  # refuses a contradicting --today
        return now
    today = getattr(args, "today", None)
    current = datetime.now()
    return datetime.combine(today, current.time()) if today else current


def date_or_today(text: str | None, args: argparse.Namespace) -> date:
    return parse_date(text) if text else today_of(args)


def open_app(args: argparse.Namespace) -> int:
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise ClercError(
            "clerc s'ouvre dans un terminal (clavier et écran) : lancez-le depuis une session "
            "interactive. Sans terminal (cron, script), utilisez les sous-commandes, par exemple "
            "clerc deadlines."
        )
    # No cyclic garbage collection from here to the first paint: importing Textual and the app
    # allocates ~10^5 objects, which set off ~120 collections, one of them a full one (~25 ms), for
    # nothing to free. The app turns the collector back on once the dashboard is painted
    # (ClercApp._settle_start_up); if it never gets there, it is turned back on here.
    gc.disable()
    try:
        from clerc_tui.app import run_app

        return run_app(database_choice(args), today=today_of(args) if args.now or args.today else None, now=args.now)
    finally:
        gc.enable()


def refuse_pdf_on_terminal(args: argparse.Namespace, what: str, example: str) -> None:
    """Refused before any work: PDF bytes written to a terminal would garble it (a pipe or a
    redirection takes them; `--output` writes the file whole)."""
    if args.format == "pdf" and not args.output and sys.stdout.isatty():
        raise InvalidInput(
            f"{what} en PDF n'est pas affiché dans le terminal : indiquez le fichier à écrire avec "
            f"--output FICHIER (ou redirigez la sortie : > {example})."
        )


def write_output(content: str | bytes) -> None:
    """A command's result on standard output: text as text, a PDF's bytes as bytes."""
    out = sys.stdout
    if isinstance(content, bytes):
        out.flush()
        out.buffer.write(content)
        out.buffer.flush()
    else:
        out.write(content)
