"""`clerc init` (the only command that creates a base) and `clerc migrate` (refused while
other clercs have a SQLite base open: services/sessions.py)."""

from __future__ import annotations

from clerc_tui.cli.options import database_url, open_base

COMMANDS = ("init", "migrate")


def add_parsers(sub) -> None:
    sub.add_parser("migrate", help="met à jour le schéma de la base")
    init = sub.add_parser(
        "init", help="crée une base neuve, dont vous êtes l'administrateur (la seule commande qui crée une base)"
    )
    init.add_argument(
        "path",
        nargs="?",
        metavar="CHEMIN",
        help="fichier de la base à créer (défaut : --db, CLERC_DATABASE ou le chemin XDG)",
    )


def run(args) -> int:
    from clerc_tui.services.database import init_database, schema_version

    if args.command == "migrate":
        from clerc_tui.services.database import sqlite_path
        from clerc_tui.services.sessions import Alone

        path = sqlite_path(database_url(args))
        if path is None or not path.is_file():
            open_base(args)  # a server base, or the French refusal of a missing file
        else:
            with Alone(path, "la mise à jour du schéma"):  # with the other clercs logged out
                open_base(args)
        print(f"Schéma à jour (version {schema_version()}).")
        return 0
    from clerc_tui.services.users import register_creator

    target = args.path or database_url(args)
    init_database(target)
    creator = register_creator()
    print(
        f"Base créée : {target} (schéma {schema_version()}). "
        f"Administrateur : {creator.login} ({creator.name}, {creator.role}). "
        'Ajoutez les autres utilisateurs : clerc user add LOGIN --name "Prénom Nom" --role clerc'
    )
    return 0
