"""Who is acting: the OS account of the process (as over SSH) matched to a user row."""

import os
import pwd
from dataclasses import dataclass

from clerc_tui.errors import AccessDenied
from clerc_tui.models import User
from clerc_tui.services.plain import Prepared


@dataclass(frozen=True)
class Actor:
    user_id: int
    login: str
    name: str
    role: str


@dataclass(frozen=True)
class UserInfo:
    """A user of the étude as the command line and the screens show him (services/users.py
    manages them)."""

    id: int
    login: str
    name: str
    role: str
    active: bool


def os_login() -> str:
    """The account the process runs as. Never LOGNAME/USER (getpass.getuser reads them first):
    anyone can set those, and `LOGNAME=amuller clerc` must not act as amuller (docs/trust.md)."""
    try:
        return pwd.getpwuid(os.getuid()).pw_name
    except KeyError:  # a uid without a passwd entry (some containers): no login, no access
        return f"uid{os.getuid()}"


# The user of a login (who runs clerc, who wrote an audited change): its SQL written once.
_BY_LOGIN = Prepared(
    lambda login: (
        User.select(User.id, User.login, User.name, User.role, User.active).where(User.login == login).limit(1).tuples()
    )
)


def user_by_login(login: str) -> UserInfo | None:
    """The user of that login, None if there is none."""
    found = _BY_LOGIN.rows(login)
    return UserInfo(*found[0]) if found else None


def identify(login: str | None = None) -> Actor:
    """The user behind this process, or AccessDenied with a French message."""
    login = login or os_login()
    user = user_by_login(login)
    if user is not None and not user.active:
        raise _deactivated(login, user.name)
    if user is None:
        raise AccessDenied(
            f"L'identifiant « {login} » n'est pas un utilisateur actif de clerc. "
            f"Demandez à l'administrateur de l'étude : clerc user add {login} --name \"Prénom Nom\" --role clerc"
        )
    return Actor(user_id=user.id, login=user.login, name=user.name, role=user.role)


def _deactivated(login: str, name: str) -> AccessDenied:
    return AccessDenied(
        f"Le compte « {login} » ({name}) est désactivé : clerc ne l'ouvre plus. "
        f"Pour le réactiver, demandez à l'administrateur de l'étude : clerc user role {login} ROLE"
    )


def refusal(actor: Actor, permission: str) -> str | None:
    """The French refusal when `actor` may not do `permission` (None when he may): what a
    screen shows at once, before asking anything, for what the service would refuse anyway.
    The role is read again from the base: a session opened before a role change or a
    deactivation acts with the role of now."""
    found = _STANDING.rows(actor.user_id)
    if not found or not found[0][0]:
        return _deactivated(actor.login, actor.name).message
    role = found[0][1]
    from clerc_tui.rules import permissions  # the table (TOML) is read at the first check, not at start

    if permissions.table().allows(role, permission):
        return None
    return permissions.table().refusal(role, permission)


# (active, role) of a user: read at every service call (`require`), its SQL written once.
_STANDING = Prepared(lambda user_id: User.select(User.active, User.role).where(User.id == user_id).limit(1).tuples())


def require(actor: Actor, permission: str) -> None:
    """The one access check of the services: AccessDenied naming the roles allowed
    (« Action réservée à : principal clerc, commissaire (vous êtes clerc) — valider un acte. »)."""
    message = refusal(actor, permission)
    if message is not None:
        raise AccessDenied(message)


def require_write(actor: Actor) -> None:
    """Everyday writing (dossiers, deadlines, charges, drafts): `require(actor, "write")`."""
    require(actor, "write")
