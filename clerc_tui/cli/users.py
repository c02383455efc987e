"""`clerc user …` (the étude's users and their roles) and `clerc whoami`."""

from __future__ import annotations

import json

from clerc_tui.cli.options import open_base

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

    whoami = sub.add_parser("whoami", help="qui je suis pour clerc (compte du système, nom, rôle)")
    whoami.add_argument("--json", action="store_true", help="un objet JSON {login, name, role}")


def run(args) -> int:
    open_base(args)
    if args.command == "whoami":
        return _whoami(args)
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


def _whoami(args) -> int:
    from clerc_tui.services.context import identify

    actor = identify()
    if args.json:
        print(json.dumps({"login": actor.login, "name": actor.name, "role": actor.role}, ensure_ascii=False))
    else:
        print(f"{actor.login}\t{actor.name}\t{actor.role}")
    return 0
