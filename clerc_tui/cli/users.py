"""`clerc user …` (the étude's users and their roles) and `clerc whoami`."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from clerc_tui.cli.options import database_choice

if TYPE_CHECKING:
    from clerc_tui.config import DatabaseChoice

COMMANDS = ("user", "whoami")
ROLES_HELP = "clerc, principal_clerc, commissaire, comptable, lecture"


def add_parsers(sub) -> None:
    user = sub.add_parser("user", help="gère les utilisateurs")
    user_sub = user.add_subparsers(dest="user_command", required=True, parser_class=sub._parser_class)
    user_add = user_sub.add_parser("add", help="ajoute un utilisateur")
    user_add.add_argument("login")
    user_add.add_argument("--name", required=True, help="nom affiché")
    user_add.add_argument("--role", default="clerc", help=ROLES_HELP)
    user_role = user_sub.add_parser("role", help="change le rôle d'un utilisateur (administrateur)")
    user_role.add_argument("login")
    user_role.add_argument("role", metavar="ROLE", help=ROLES_HELP)
    user_off = user_sub.add_parser("deactivate", help="désactive un utilisateur, sans l'effacer (administrateur)")
    user_off.add_argument("login")
    user_sub.add_parser("list", help="liste les utilisateurs")

    whoami = sub.add_parser("whoami", help="qui je suis pour clerc (compte du système, nom, rôle) et sur quelle base")
    whoami.add_argument(
        "--json", action="store_true", help="un objet JSON {login, name, role, base, source, config_file}"
    )


def run(args) -> int:
    from clerc_tui.services.database import open_database

    choice = database_choice(args)
    open_database(choice.target)
    if args.command == "whoami":
        return _whoami(args, choice)
    from clerc_tui.services import users

    if args.user_command == "add":
        user = users.add_user(args.login, args.name, args.role)
        print(f"Utilisateur {user.login} ({user.name}, {user.role}) créé.")
    elif args.user_command == "role":
        user = users.set_role(args.login, args.role)
        print(f"Utilisateur {user.login} ({user.name}) : rôle {user.role}.")
    elif args.user_command == "deactivate":
        user = users.deactivate(args.login)
        print(
            f"Utilisateur {user.login} ({user.name}) désactivé : il ne peut plus ouvrir clerc ; "
            "son nom reste au journal d'audit."
        )
    else:
        for user in users.list_users():
            state = "" if user.active else "\tdésactivé"
            print(f"{user.login}\t{user.name}\t{user.role}{state}")
    return 0


def _whoami(args, choice: DatabaseChoice) -> int:
    """Who I am for clerc, and on which base (and what named it: --db, CLERC_DATABASE, a config)."""
    from clerc_tui.services.context import identify
    from clerc_tui.services.database import shown

    actor = identify()
    base = shown(choice.target)
    if args.json:
        print(
            json.dumps(
                {
                    "login": actor.login,
                    "name": actor.name,
                    "role": actor.role,
                    "base": base,
                    "source": choice.source,
                    "config_file": str(choice.config_file) if choice.config_file else None,
                },
                ensure_ascii=False,
            )
        )
    else:
        print(f"{actor.login}\t{actor.name}\t{actor.role}")
        print(f"Base : {base} ({choice.origin})")
    return 0
