"""Users of the étude."""

from clerc_tui.errors import InvalidInput
from clerc_tui.models import User
from clerc_tui.models.db import write_transaction
from clerc_tui.rules.text import check_text
from clerc_tui.rules.vocabulary import ROLES
from clerc_tui.services.audit import record, snapshot
from clerc_tui.services.context import Actor, os_login


def add_user(login: str, name: str, role: str = "clerc") -> User:
    login = (login or "").strip()
    name = (name or "").strip()
    if not login or any(ch.isspace() for ch in login):
        raise InvalidInput("Identifiant invalide : un mot sans espace, celui de la session (ex. jdupont).")
    if not name:
        raise InvalidInput("Le nom de l'utilisateur est obligatoire (--name \"Prénom Nom\").")
    check_text(name, field="Nom de l'utilisateur", max_len=120, key="name")
    if role not in ROLES:
        raise InvalidInput(f"Rôle « {role} » inconnu. Rôles possibles : {', '.join(ROLES)}.")
    with write_transaction():
        if User.get_or_none(User.login == login) is not None:
            raise InvalidInput(f"L'utilisateur « {login} » existe déjà.")
        user = User.create(login=login, name=name, role=role, active=True)
        # Users are added from the shell, possibly before the admin has a row of his own.
        admin = Actor(user_id=0, login=os_login(), name="", role="admin")
        record(admin, "user.add", "user", user.id, after=snapshot(user))
        return user


def list_users(active_only: bool = False) -> list[User]:
    query = User.select().order_by(User.name)
    if active_only:
        query = query.where(User.active == True)  # noqa: E712 - peewee expression
    return list(query)
