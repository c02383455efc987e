"""Users of the étude: added, given a role, deactivated (never deleted: the audit keeps their name).

Only an administrateur (permission `users.manage`, the role `commissaire`) manages users, once the
base has one; `clerc init` makes the account that creates the base its first administrateur
(docs/trust.md, « Rôles »)."""

import pwd

from clerc_tui.errors import AccessDenied, InvalidInput
from clerc_tui.models import User
from clerc_tui.models.db import write_transaction
from clerc_tui.rules import permissions
from clerc_tui.rules.text import check_text
from clerc_tui.rules.vocabulary import ROLES
from clerc_tui.services.audit import record, snapshot
from clerc_tui.services.context import Actor, UserInfo, identify, os_login, require
from clerc_tui.services.plain import plain

__all__ = ["UserInfo", "add_user", "deactivate", "list_users", "os_display_name", "register_creator", "set_role"]


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise InvalidInput(f"Rôle « {role} » inconnu. Rôles possibles : {', '.join(ROLES)}.")


def _active_admins() -> int:
    return User.select().where(User.active == True, User.role.in_(permissions.admin_roles())).count()  # noqa: E712


def _manager(actor: Actor | None) -> Actor:
    """The administrateur acting: the given actor, or the account running the process."""
    actor = actor or identify()
    require(actor, permissions.ADMIN_PERMISSION)
    return actor


def _bootstrap(role: str) -> Actor:
    """Who adds a user to a base without active administrateur: the OS account itself.
    An empty base takes any first user; a base that has users (created before roles were
    enforced) only takes its administrateur — nobody else can be named without one."""
    if User.select().exists() and role not in permissions.admin_roles():
        raise AccessDenied(
            "Cette base n'a pas d'administrateur actif : le prochain utilisateur ajouté doit l'être "
            f"(--role {permissions.admin_roles()[0]}), puis c'est lui qui ajoute les autres."
        )
    return Actor(user_id=0, login=os_login(), name="", role="admin")


def os_display_name(login: str | None = None) -> str:
    """The name of an OS account: the first field of its gecos, or the login."""
    login = login or os_login()
    try:
        gecos = pwd.getpwnam(login).pw_gecos
    except KeyError:
        return login
    name = gecos.split(",")[0].strip()
    try:  # a gecos is typed by whoever set up the account: the same rule as a typed name
        check_text(name, field="Nom de l'utilisateur", max_len=120, key="name")
    except InvalidInput:
        return login
    return name or login


def add_user(login: str, name: str, role: str = "clerc", *, actor: Actor | None = None) -> UserInfo:
    """Add a user. On a base with an active administrateur, `actor` (default: the account
    running the process) must be one."""
    login = (login or "").strip()
    name = (name or "").strip()
    if not login or any(ch.isspace() for ch in login):
        raise InvalidInput("Identifiant invalide : un mot sans espace, celui de la session (ex. jdupont).")
    if not name:
        raise InvalidInput('Le nom de l\'utilisateur est obligatoire (--name "Prénom Nom").')
    check_text(name, field="Nom de l'utilisateur", max_len=120, key="name")
    _check_role(role)
    with write_transaction():
        by = _manager(actor) if _active_admins() else _bootstrap(role)
        if User.get_or_none(User.login == login) is not None:
            raise InvalidInput(f"L'utilisateur « {login} » existe déjà.")
        user = User.create(login=login, name=name, role=role, active=True)
        record(by, "user.add", "user", user.id, after=snapshot(user))
        return plain(UserInfo, user)


def _user(login: str) -> User:
    user = User.get_or_none(User.login == (login or "").strip())
    if user is None:
        raise InvalidInput(f"Utilisateur « {login} » inconnu (clerc user list).")
    return user


def _keep_an_admin(user: User, what: str) -> None:
    if user.active and user.role in permissions.admin_roles() and _active_admins() <= 1:
        raise AccessDenied(
            f"{user.name} ({user.login}) est le dernier administrateur actif de l'étude : {what}. "
            f"Nommez d'abord un autre administrateur (clerc user role LOGIN {permissions.admin_roles()[0]})."
        )


def set_role(login: str, role: str, *, actor: Actor | None = None) -> UserInfo:
    """Change a user's role (audited). Giving a role to an inactive user reactivates him."""
    _check_role(role)
    with write_transaction():
        by = _manager(actor)
        user = _user(login)
        if role not in permissions.admin_roles():
            _keep_an_admin(user, "changement de rôle refusé")
        before = snapshot(user)
        User.update(role=role, active=True).where(User.id == user.id).execute()
        user = User.get_by_id(user.id)
        record(by, "user.role", "user", user.id, before=before, after=snapshot(user))
        return plain(UserInfo, user)


def deactivate(login: str, *, actor: Actor | None = None) -> UserInfo:
    """Deactivate a user: refused at start from now on, kept in the base and in the audit."""
    with write_transaction():
        by = _manager(actor)
        user = _user(login)
        if not user.active:
            raise InvalidInput(f"Le compte « {user.login} » est déjà désactivé.")
        _keep_an_admin(user, "désactivation refusée")
        before = snapshot(user)
        User.update(active=False).where(User.id == user.id).execute()
        user = User.get_by_id(user.id)
        record(by, "user.deactivate", "user", user.id, before=before, after=snapshot(user))
        return plain(UserInfo, user)


def register_creator(login: str | None = None) -> UserInfo:
    """`clerc init`: the account that creates the base is its first administrateur."""
    login = login or os_login()
    return add_user(login, os_display_name(login), permissions.admin_roles()[0])


def list_users(active_only: bool = False) -> list[UserInfo]:
    query = User.select().order_by(User.name)
    if active_only:
        query = query.where(User.active == True)  # noqa: E712 - peewee expression
    return [plain(UserInfo, user) for user in query]
