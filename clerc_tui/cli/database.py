"""`clerc init` (the only command that creates a base) and `clerc migrate` (when a migration is
due, refused while other clercs have a SQLite base open: services/sessions.py)."""

from __future__ import annotations

import os

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
        help="fichier de la base à créer (défaut : --db, CLERC_DATABASE, la configuration ou le chemin XDG)",
    )
    init.add_argument(
        "--shared",
        action="store_true",
        help="base de l'étude, partagée par les clercs du groupe --group : dossier setgid 2770, fichier 0660",
    )
    init.add_argument("--group", metavar="GROUPE", help="groupe du système des clercs de l'étude (avec --shared)")


def migrate(args) -> int:
    """Bring the base's schema up to date. Nothing due: said, whoever is connected (the version
    is read without a lock, as every clerc opening the base does). Something due on a SQLite
    base: only with the other clercs logged out (Alone), the version read again by the steps."""
    from clerc_tui.services.database import latest_schema_version, open_database, schema_version, sqlite_path
    from clerc_tui.services.sessions import Alone

    target = database_url(args)
    open_database(target, migrate=False)  # a missing file or a stranger's base: refused in French
    before = schema_version()
    if before == latest_schema_version():
        print(f"La base est déjà à jour (version {before}).")
        return 0
    path = sqlite_path(target)
    if path is None or before > latest_schema_version():
        # A server base: each step in its own transaction (docs/deployment.md). A newer schema:
        # refused at once (« plus récent que celui de ce clerc »), whoever is connected.
        open_base(args)
    else:
        with Alone(path, "la mise à jour du schéma"):  # with the other clercs logged out
            open_base(args)
    print(f"Base mise à jour : version {before} → {schema_version()}.")
    return 0


def run(args) -> int:
    from clerc_tui.services.database import init_database, schema_version

    if args.command == "migrate":
        return migrate(args)
    from clerc_tui.errors import InvalidInput
    from clerc_tui.services.database import sharing_report, shown
    from clerc_tui.services.users import register_creator

    if args.shared != bool(args.group):
        raise InvalidInput("--shared et --group vont ensemble : clerc init --shared --group GROUPE CHEMIN")
    target = args.path or database_url(args)
    init_database(target, args.group)
    creator = register_creator()
    print(
        f"Base créée : {shown(target)} (schéma {schema_version()}). "  # a server URL without its password
        f"Administrateur : {creator.login} ({creator.name}, {creator.role}). "
        'Ajoutez les autres utilisateurs : clerc user add LOGIN --name "Prénom Nom" --role clerc'
    )
    if args.shared:
        print(
            f"Base partagée : dossier du groupe « {args.group} » (2770, setgid), fichier 0660. "
            f"Pour que chaque clerc l'ouvre sans rien régler, dans /etc/clerc/config.toml : "
            f'[database] path = "{os.path.abspath(target)}"'
        )
        report = sharing_report(expected=True)
        if report:
            print(report)
    return 0
