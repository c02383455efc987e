"""The `clerc` command: opens the app, or runs one of its sub-commands.

Bad input exits with code 2 and a French message on stderr; a database that cannot be
used (locked, read-only) exits 1 with a French explanation; an unexpected error is logged
(see logs.py) and exits with code 1, without a traceback. `--db` and `--today` are accepted
before or after the sub-command; argparse's own texts are French (docs/trust.md).
"""

import argparse
import os
import signal
import sys
from contextlib import contextmanager
from datetime import date

from clerc_tui.errors import ClercError
from clerc_tui.logs import log_unexpected
from clerc_tui.rules.dates import parse_date


# What argparse itself prints (usage, errors, the -h line), in French. argparse looks its
# texts up through its module's gettext functions at each call: they are replaced while
# clerc builds and runs its parsers (`_french_argparse`), and put back afterwards.
ARGPARSE_FRENCH = {
    "usage: ": "usage : ",
    "options": "options",
    "positional arguments": "arguments positionnels",
    "show this help message and exit": "affiche cette aide et quitte",
    "argument %(argument_name)s: %(message)s": "argument %(argument_name)s : %(message)s",
    "the following arguments are required: %s": "arguments obligatoires manquants : %s",
    "one of the arguments %s is required": "l'un des arguments %s est obligatoire",
    "unrecognized arguments: %s": "arguments non reconnus : %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "choix invalide : %(value)r (choix possibles : %(choices)s)",
    "invalid %(type)s value: %(value)r": "valeur invalide (%(type)s) : %(value)r",
    "expected one argument": "une valeur attendue",
    "expected at most one argument": "au plus une valeur attendue",
    "expected at least one argument": "au moins une valeur attendue",
    "expected %s argument": "%s valeur attendue",
    "expected %s arguments": "%s valeurs attendues",
    "not allowed with argument %s": "incompatible avec l'argument %s",
    "ignored explicit argument %r": "valeur %r ignorée",
    "ambiguous option: %(option)s could match %(matches)s": "option ambiguë : %(option)s peut être %(matches)s",
    "unknown parser %(parser_name)r (choices: %(choices)s)":
        "sous-commande inconnue %(parser_name)r (choix possibles : %(choices)s)",
    "unexpected option string: %s": "option inattendue : %s",
    "can't open '%(filename)s': %(error)s": "impossible d'ouvrir « %(filename)s » : %(error)s",
    "%(prog)s: error: %(message)s\n": "%(prog)s : erreur : %(message)s\n",
}


def _french(message: str) -> str:
    return ARGPARSE_FRENCH.get(message, message)


def _french_plural(singular: str, plural: str, n: int) -> str:
    return _french(singular if n == 1 else plural)


@contextmanager
def _french_argparse():
    saved = argparse._, argparse.ngettext
    argparse._, argparse.ngettext = _french, _french_plural
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved


class _Parser(argparse.ArgumentParser):
    """argparse that speaks French on errors and exits 2 like every bad input."""

    def error(self, message: str):  # noqa: D401 - argparse hook
        self.print_usage(sys.stderr)
        sys.stderr.write(f"clerc : erreur : {message}\n")
        raise SystemExit(2)


def _date_arg(text: str) -> date:
    try:
        return parse_date(text)
    except ClercError as exc:
        raise argparse.ArgumentTypeError(exc.message) from None


def _add_global_options(parser: argparse.ArgumentParser, **kwargs) -> None:
    parser.add_argument("--db", metavar="CHEMIN", help="base de données (chemin SQLite ou URL postgresql://…)", **kwargs)
    parser.add_argument("--today", type=_date_arg, metavar="JJ/MM/AAAA", help="date du jour à utiliser (jj/mm/aaaa), pour les essais",
                        **kwargs)


def _global_parser(**kwargs) -> argparse.ArgumentParser:
    parser = _Parser(prog="clerc", description="clerc : recouvrement et procédures d'exécution.", **kwargs)
    _add_global_options(parser)
    return parser


def _sub_parsers(parser: argparse.ArgumentParser):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in dict.fromkeys(action.choices.values()):
                yield sub
                yield from _sub_parsers(sub)


def _accept_global_options_everywhere(parser: argparse.ArgumentParser) -> None:
    """`clerc check --db X` as well as `clerc --db X check`: every sub-command takes the
    global options too. SUPPRESS as default: given after, it wins; not given, the value
    given before the sub-command stays."""
    for sub in _sub_parsers(parser):
        _add_global_options(sub, default=argparse.SUPPRESS)


def _opening_app(argv: list[str]) -> argparse.Namespace | None:
    """The plain `clerc [--db …] [--today …]` of every morning, parsed without building the
    sub-commands (their parsers import half the package: ~20 ms of start-up)."""
    args, rest = _global_parser(add_help=False).parse_known_args(argv)
    if rest:
        return None
    args.command = None
    return args


def build_parser() -> argparse.ArgumentParser:
    parser = _global_parser()
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    demo = sub.add_parser("demo", help="crée une base de démonstration réaliste")
    demo.add_argument("--dossiers", type=int, default=2000, help="nombre de dossiers (défaut 2000)")
    demo.add_argument("--seed", type=int, default=1, help="graine du tirage (défaut 1)")
    demo.add_argument("--force", action="store_true",
                      help="recrée la base si c'est déjà une base de démonstration (jamais une autre)")
    demo.add_argument("--open", action="store_true", help="ouvre clerc sur la base une fois créée")

    user = sub.add_parser("user", help="gère les utilisateurs")
    user_sub = user.add_subparsers(dest="user_command", required=True, parser_class=_Parser)
    user_add = user_sub.add_parser("add", help="ajoute un utilisateur")
    user_add.add_argument("login")
    user_add.add_argument("--name", required=True, help="nom affiché")
    user_add.add_argument("--role", default="clerc", help="clerc, principal_clerc, commissaire, comptable, lecture")
    user_role = user_sub.add_parser("role", help="change le rôle d'un utilisateur (administrateur)")
    user_role.add_argument("login")
    user_role.add_argument("role", metavar="ROLE", help="clerc, principal_clerc, commissaire, comptable, lecture")
    user_off = user_sub.add_parser("deactivate", help="désactive un utilisateur, sans l'effacer (administrateur)")
    user_off.add_argument("login")
    user_sub.add_parser("list", help="liste les utilisateurs")

    calc = sub.add_parser("calc", help="calculs hors dossier")
    calc_sub = calc.add_subparsers(dest="calc_command", required=True, parser_class=_Parser)
    _add_calc_interest_parser(calc_sub)
    _add_calc_deadline_parser(calc_sub)
    from clerc_tui import cli_fees

    cli_fees.add_calc_parser(calc_sub)
    cli_fees.add_etude_parser(sub)

    sub.add_parser("migrate", help="met à jour le schéma de la base")
    init = sub.add_parser("init", help="crée une base neuve, dont vous êtes l'administrateur (la seule commande "
                                       "qui crée une base)")
    init.add_argument("path", nargs="?", metavar="CHEMIN",
                      help="fichier de la base à créer (défaut : --db, CLERC_DATABASE ou le chemin XDG)")
    whoami = sub.add_parser("whoami", help="qui je suis pour clerc (compte du système, nom, rôle)")
    whoami.add_argument("--json", action="store_true", help="un objet JSON {login, name, role}")
    from clerc_tui import cli_deadlines

    cli_deadlines.add_parser(sub)

    from clerc_tui import cli_money

    cli_money.add_parsers(sub)
    from clerc_tui import cli_accounts

    cli_accounts.add_parsers(sub)
    _accept_global_options_everywhere(parser)
    return parser


# --- calc interest (money core) -------------------------------------------------------


def _add_calc_interest_parser(calc_sub) -> None:
    p = calc_sub.add_parser(
        "interest", help="intérêts d'une créance, période par période",
        description="Intérêts sur un principal du --from au --to (dates jj/mm/aaaa ou aaaa-mm-jj), "
                    "découpés à chaque 1er janvier et 1er juillet, au début de la majoration et à chaque "
                    "capitalisation.")
    p.add_argument("--principal", required=True, help="montant dû, par exemple 3000 ou 1 234,56")
    p.add_argument("--from", dest="start", required=True, metavar="DATE", help="point de départ des intérêts")
    p.add_argument("--to", dest="end", required=True, metavar="DATE", help="date de fin (paiement, arrêté)")
    p.add_argument("--kind", default="legal", help="legal (défaut), contractual, commercial (L441-10) ou none")
    p.add_argument("--category", help="créancier : particulier ou autres (obligatoire pour le taux légal)")
    p.add_argument("--majoration-from", metavar="DATE",
                   help="premier jour du taux majoré (L313-3 : lendemain des deux mois suivant la signification)")
    p.add_argument("--majoration-points", default="5", help="points de majoration, 0 à 5 (défaut 5)")
    p.add_argument("--capitalize-from", metavar="DATE", help="capitalisation annuelle à compter de cette date")
    p.add_argument("--rate", help="taux annuel en %% : conventionnel, ou convenu pour commercial")
    p.add_argument("--day-basis", choices=("civil", "365", "360"),
                   help="intérêt conventionnel : année civile (civil, défaut : 365 ou 366 jours), 365 ou 360 "
                        "selon le contrat")
    p.add_argument("--day-count", default="end_minus_start", help="end_minus_start (défaut) ou inclusive_both")
    p.add_argument("--rounding", default="per_line", help="per_line (défaut) ou total")
    p.add_argument("--json", action="store_true", help="un objet JSON au lieu du tableau")


def _cmd_calc_interest(args) -> int:
    import json

    from clerc_tui.errors import InvalidInput
    from clerc_tui.report.statement import interest_renderable, interest_to_dict, render_text
    from clerc_tui.rules.interest import LEGAL, Convention, InterestTerms, compute_interest
    from clerc_tui.rules.money import parse_amount
    from clerc_tui.rules.rates import parse_rate_value

    def optional_date(text):
        return parse_date(text) if text else None

    principal = parse_amount(args.principal)
    start, end = parse_date(args.start), parse_date(args.end)
    if args.kind == LEGAL and not args.category:
        raise InvalidInput("Taux légal : précisez --category particulier (créancier personne physique hors besoins "
                           "professionnels) ou --category autres.")
    terms = InterestTerms(
        kind=args.kind,
        category=args.category or "autres",
        majoration_from=optional_date(args.majoration_from),
        majoration_points=parse_rate_value(args.majoration_points, where="--majoration-points"),
        rate=parse_rate_value(args.rate, where="--rate") if args.rate else None,
        capitalisation_from=optional_date(args.capitalize_from),
        day_basis=args.day_basis,
    )
    result = compute_interest(principal, start, end, terms,
                              convention=Convention(day_count=args.day_count, rounding=args.rounding))
    if args.json:
        print(json.dumps(interest_to_dict(result), ensure_ascii=False))
    else:
        print(render_text(interest_renderable(result), width=120), end="")
    return 0


# --- calc deadline (procedural calendar) ----------------------------------------------


def _add_calc_deadline_parser(calc_sub) -> None:
    from clerc_tui import cli_deadline

    cli_deadline.add_parser(calc_sub)


def _cmd_calc_deadline(args) -> int:
    from clerc_tui import cli_deadline

    return cli_deadline.run(args)


# --- database commands ----------------------------------------------------------------


def _database_url(args) -> str:
    from clerc_tui.paths import default_database

    return args.db or default_database()


def _interrupted(signum, _frame):
    raise KeyboardInterrupt


def _cmd_demo(args) -> int:
    from clerc_tui.models.db import sqlite_path
    from clerc_tui.services.demo import build_demo, is_demo_base

    url = _database_url(args)
    today = args.today or date.today()
    path = sqlite_path(url)
    if args.open and not args.force and path is not None and path.exists():
        # The README's first command, run again: open the demo as the clerc left it.
        if not is_demo_base(path):
            raise ClercError(f"{path} n'est pas une base de démonstration : clerc demo ne l'ouvre pas. "
                             f"Pour l'ouvrir : clerc --db {path}")
        print(f"Base de démonstration existante conservée : {url} (--force pour la recréer).")
    else:
        # A terminal closed (SSH dropped) or a kill during the build: the temporary file is
        # removed on the way out (build_demo), the target stays as it was.
        for signum in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, _interrupted)
        print(build_demo(url, dossiers=args.dossiers, seed=args.seed, today=today, force=args.force))
    if args.open:
        return _cmd_open(args)
    return 0


def _cmd_init(args) -> int:
    from clerc_tui.models.db import init_database
    from clerc_tui.models.migrations import current_version

    from clerc_tui.services.users import register_creator

    target = args.path or _database_url(args)
    init_database(target)
    creator = register_creator()
    print(f"Base créée : {target} (schéma {current_version()}). "
          f"Administrateur : {creator.login} ({creator.name}, {creator.role}). "
          "Ajoutez les autres utilisateurs : clerc user add LOGIN --name \"Prénom Nom\" --role clerc")
    return 0


def _cmd_whoami(args) -> int:
    import json

    from clerc_tui.models.db import open_database
    from clerc_tui.services.context import identify

    open_database(_database_url(args))
    actor = identify()
    if args.json:
        print(json.dumps({"login": actor.login, "name": actor.name, "role": actor.role}, ensure_ascii=False))
    else:
        print(f"{actor.login}\t{actor.name}\t{actor.role}")
    return 0


def _cmd_user(args) -> int:
    from clerc_tui.models.db import open_database
    from clerc_tui.services import users

    open_database(_database_url(args))
    if args.user_command == "add":
        user = users.add_user(args.login, args.name, args.role)
        print(f"Utilisateur {user.login} ({user.name}, {user.role}) créé.")
    elif args.user_command == "role":
        user = users.set_role(args.login, args.role)
        print(f"Utilisateur {user.login} ({user.name}) : rôle {user.role}.")
    elif args.user_command == "deactivate":
        user = users.deactivate(args.login)
        print(f"Utilisateur {user.login} ({user.name}) désactivé : il ne peut plus ouvrir clerc ; "
              "son nom reste au journal d'audit.")
    else:
        for user in users.list_users():
            state = "" if user.active else "\tdésactivé"
            print(f"{user.login}\t{user.name}\t{user.role}{state}")
    return 0


def _cmd_migrate(args) -> int:
    from clerc_tui.models.db import open_database
    from clerc_tui.models.migrations import current_version

    open_database(_database_url(args))
    print(f"Schéma à jour (version {current_version()}).")
    return 0


def _cmd_money(args) -> int:
    from clerc_tui import cli_money
    from clerc_tui.models.db import open_database

    open_database(_database_url(args))
    if args.command == "statement":
        return cli_money.run_statement(args, today=args.today or date.today())
    return cli_money.run_rates(args)


def _cmd_open(args) -> int:
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise ClercError("clerc s'ouvre dans un terminal (clavier et écran) : lancez-le depuis une session "
                         "interactive. Sans terminal (cron, script), utilisez les sous-commandes, par exemple "
                         "clerc deadlines.")
    from clerc_tui.app import run_app

    return run_app(_database_url(args), today=args.today)


def _dispatch(args) -> int:
    if args.command is None:
        return _cmd_open(args)
    if args.command == "demo":
        return _cmd_demo(args)
    if args.command == "user":
        return _cmd_user(args)
    if args.command == "migrate":
        return _cmd_migrate(args)
    if args.command == "init":
        return _cmd_init(args)
    if args.command == "whoami":
        return _cmd_whoami(args)
    if args.command == "deadlines":
        from clerc_tui import cli_deadlines

        return cli_deadlines.run(args, _database_url(args))
    if args.command in ("statement", "rates"):
        return _cmd_money(args)
    if args.command in ("check", "balances", "export", "reversements", "document", "bill"):
        from clerc_tui import cli_accounts
        from clerc_tui.models.db import open_database

        open_database(_database_url(args))
        return cli_accounts.run(args, today=args.today or date.today())
    if args.command == "etude":
        from clerc_tui import cli_fees
        from clerc_tui.models.db import open_database

        open_database(_database_url(args))
        return cli_fees.run_etude(args)
    if args.command == "calc":
        if args.calc_command == "interest":
            return _cmd_calc_interest(args)
        if args.calc_command == "recovery-fee":
            from clerc_tui import cli_fees

            return cli_fees.run_calc(args, today=args.today or date.today())
        return _cmd_calc_deadline(args)
    raise AssertionError(args.command)


def _stdout_gone() -> int:
    """`clerc deadlines | head`: the reader has what it wanted. Not an error: quiet exit 0,
    stdout pointed at /dev/null so that the interpreter's last flush does not fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return 0


class InertStream:
    """A text stream whose every write goes through `rules.text.inert`: a control or bidi
    character left in old data reaches the terminal (or the pipe) as a visible placeholder."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text: str) -> int:
        from clerc_tui.rules.text import inert

        return self._stream.write(inert(text))

    def __getattr__(self, name):
        return getattr(self._stream, name)


def main(argv: list[str] | None = None) -> int:
    from clerc_tui.errors import DatabaseUnavailable
    from clerc_tui.models.db import explain_database_error

    argv = sys.argv[1:] if argv is None else argv
    streams = sys.stdout, sys.stderr
    try:
        with _french_argparse():
            args = _opening_app(argv) or build_parser().parse_args(argv)
        if args.command is not None:
            # Names, reasons, labels come from the base: the terminal never obeys them.
            sys.stdout, sys.stderr = InertStream(streams[0]), InertStream(streams[1])
        code = _dispatch(args)
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        return _stdout_gone()
    except DatabaseUnavailable as exc:
        sys.stderr.write(f"clerc : {exc.message}\n")
        return 1
    except ClercError as exc:
        sys.stderr.write(f"clerc : {exc.message}\n")
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        explained = explain_database_error(exc)
        if explained is not None:
            sys.stderr.write(f"clerc : {explained.message}\n")
            return 1
        command = getattr(locals().get("args"), "command", None)
        sys.stderr.write(f"clerc : {log_unexpected('commande ' + str(command))}\n")
        return 1
    finally:
        sys.stdout, sys.stderr = streams
