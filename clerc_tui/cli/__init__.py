"""The `clerc` command: opens the app, or runs one of its sub-commands.

Bad input exits with code 2 and a French message on stderr; a database that cannot be
used (locked, read-only) exits 1 with a French explanation; an unexpected error is logged
(see logs.py) and exits with code 1, without a traceback. `--db` and `--today` are accepted
before or after the sub-command; argparse's own texts are French (docs/trust.md).

This module holds the parser and the dispatch; each command group is a module of this
package (GROUPS) with its COMMANDS, `add_parsers(sub)` and `run(args)`; options.py has what
they share (the base, the day, the French parser).
"""

import argparse
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from clerc_tui.cli.options import Parser, add_global_options, open_app
from clerc_tui.errors import ClercError, DatabaseUnavailable

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
    "unknown parser %(parser_name)r (choices: %(choices)s)": (
        "sous-commande inconnue %(parser_name)r (choix possibles : %(choices)s)"
    ),
    "unexpected option string: %s": "option inattendue : %s",
    "can't open '%(filename)s': %(error)s": "impossible d'ouvrir « %(filename)s » : %(error)s",
    "%(prog)s: error: %(message)s\n": "%(prog)s : erreur : %(message)s\n",
}


def _french(message: str) -> str:
    return ARGPARSE_FRENCH.get(message, message)


def _french_plural(singular: str, plural: str, n: int) -> str:
    return _french(singular if n == 1 else plural)


@contextmanager
def _french_argparse() -> Iterator[None]:
    # argparse's stubs do not declare its gettext functions: they are reached through the
    # module's namespace (the same dict as its attributes).
    namespace = vars(argparse)
    saved = namespace["_"], namespace["ngettext"]
    namespace["_"], namespace["ngettext"] = _french, _french_plural
    try:
        yield
    finally:
        namespace["_"], namespace["ngettext"] = saved


def _global_parser(**kwargs) -> argparse.ArgumentParser:
    parser = Parser(prog="clerc", description="clerc : recouvrement et procédures d'exécution.", **kwargs)
    add_global_options(parser)
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
        add_global_options(sub, default=argparse.SUPPRESS)


def _opening_app(argv: list[str]) -> argparse.Namespace | None:
    """The plain `clerc [--db …] [--today …]` of every morning, parsed without building the
    sub-commands (their parsers import half the package: ~20 ms of start-up)."""
    args, rest = _global_parser(add_help=False).parse_known_args(argv)
    if rest:
        return None
    args.command = None
    return args


def _named_group(argv: list[str]) -> str | None:
    """The group of the command `argv` names (its first word once the global options are set
    aside), or None (no command, an unknown one, an option first: `clerc -h`)."""
    _args, rest = _global_parser(add_help=False).parse_known_args(argv)
    return COMMAND_GROUPS.get(rest[0]) if rest else None


# The command groups, each a module of this package: its COMMANDS, add_parsers(sub), run(args).
GROUPS = (
    "demo",
    "database",
    "users",
    "calc",
    "etude",
    "deadlines",
    "money",
    "accounts",
    "backup",
    "report",
    "bank",
    "imports",
    "campaign",
    "plans",
)


# The group of each command (its COMMANDS; tests/test_cli.py checks that they agree): a command
# line that names one builds that group's parsers alone. The others' modules import what their
# own parsers and commands need (the calculator's the tariff, the procedures and the calendar):
# ~0.2 of the 0.6 billion instructions of `clerc whoami`.
COMMAND_GROUPS = {
    "demo": "demo",
    "init": "database",
    "migrate": "database",
    "user": "users",
    "whoami": "users",
    "calc": "calc",
    "etude": "etude",
    "deadlines": "deadlines",
    "statement": "money",
    "rates": "money",
    "check": "accounts",
    "balances": "accounts",
    "export": "accounts",
    "reversements": "accounts",
    "document": "accounts",
    "bill": "accounts",
    "backup": "backup",
    "restore": "backup",
    "report": "report",
    "bank": "bank",
    "import": "imports",
    "campaign": "campaign",
    "plans": "plans",
}


def _groups(names: tuple[str, ...] = GROUPS):
    from importlib import import_module

    return [import_module(f"clerc_tui.cli.{name}") for name in names]


def build_parser(group: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command, or of `group`'s only (what a command line naming one of
    them needs: the same parse, its usage and errors included)."""
    parser = _global_parser()
    sub = parser.add_subparsers(dest="command", parser_class=Parser)
    for module in _groups(GROUPS if group is None else (group,)):
        module.add_parsers(sub)
    _accept_global_options_everywhere(parser)
    return parser


def _dispatch(args: argparse.Namespace) -> int:
    if args.command is None:
        return open_app(args)
    (group,) = _groups((COMMAND_GROUPS[args.command],))
    if args.command not in group.COMMANDS:  # the table out of step with its group (tests/test_cli.py)
        raise AssertionError(args.command)
    return group.run(args)


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
    from clerc_tui.paths import set_umask

    set_umask()  # before anything is created: base, -wal/-shm, exports, log (paths.UMASK says why)
    argv = sys.argv[1:] if argv is None else argv
    streams = sys.stdout, sys.stderr
    try:
        with _french_argparse():
            args = _opening_app(argv) or build_parser(_named_group(argv)).parse_args(argv)
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
        # Imported here: a command without a base (`clerc calc …`) does not load peewee nor logging.
        from clerc_tui.logs import log_unexpected
        from clerc_tui.services.database import explain_database_error

        explained = explain_database_error(exc)
        if explained is not None:
            sys.stderr.write(f"clerc : {explained.message}\n")
            return 1
        command = getattr(locals().get("args"), "command", None)
        sys.stderr.write(f"clerc : {log_unexpected('commande ' + str(command))}\n")
        return 1
    finally:
        sys.stdout, sys.stderr = streams
