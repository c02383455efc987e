"""Who may do what: the permission table of data/permissions.toml (docs/trust.md, « Rôles »).

Pure: no database, no clock. `refusal` is the French sentence a refused action shows."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from clerc_tui.rules.vocabulary import ROLES

ADMIN_PERMISSION = "users.manage"


@dataclass(frozen=True)
class Permission:
    id: str
    label: str
    roles: tuple[str, ...]  # in the order of ROLES (most powerful first in the message)
    reason: str


@dataclass(frozen=True)
class PermissionTable:
    permissions: dict[str, Permission]
    role_names: dict[str, str]

    def allows(self, role: str, permission: str) -> bool:
        return role in self.get(permission).roles

    def get(self, permission: str) -> Permission:
        try:
            return self.permissions[permission]
        except KeyError:  # a typo in a service, not a user's mistake
            raise KeyError(f"permission inconnue : {permission}") from None

    def refusal(self, role: str, permission: str) -> str:
        """« Action réservée à : principal clerc, commissaire (vous êtes clerc) — valider un acte. »"""
        entry = self.get(permission)
        allowed = ", ".join(self.role_names[r] for r in reversed(entry.roles))
        you = self.role_names.get(role, role)
        return f"Action réservée à : {allowed} (vous êtes {you}) — {entry.label}."


def load_table(text: str) -> PermissionTable:
    raw = tomllib.loads(text)
    names = dict(raw["roles"])
    if set(names) != set(ROLES):
        raise ValueError(f"permissions.toml : [roles] doit nommer exactement {', '.join(ROLES)}")
    permissions = {}
    for pid, entry in raw["permissions"].items():
        unknown = set(entry["roles"]) - set(ROLES)
        if unknown:
            raise ValueError(f"permissions.toml : {pid} nomme un rôle inconnu : {', '.join(sorted(unknown))}")
        # Stored in ROLES order, least powerful last; the message names them from the least.
        roles = tuple(r for r in ROLES if r in entry["roles"])
        permissions[pid] = Permission(pid, entry["label"], roles, entry["reason"])
    if ADMIN_PERMISSION not in permissions:
        raise ValueError(f"permissions.toml : la permission {ADMIN_PERMISSION} manque")
    return PermissionTable(permissions, names)


@lru_cache(maxsize=1)
def table() -> PermissionTable:
    return load_table(resources.files("clerc_tui.data").joinpath("permissions.toml").read_text(encoding="utf-8"))


def admin_roles() -> tuple[str, ...]:
    """The roles of an administrateur (who may add users and change roles)."""
    return table().get(ADMIN_PERMISSION).roles
