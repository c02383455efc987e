"""clerc's TOML configs: the user's own (XDG config path) and the étude's (/etc/clerc/config.toml).

The user's file holds `[keymap]`, `[display]` and may hold `[database]`; the étude's holds `[database]`:

[keymap]
"list.filter" = "f"          # binding id = key(s), comma-separated
"dossier.edit" = "e,f2"

[display]
animations = true            # Textual's animations (scrolls, tab underline); off by default

[database]
path = "/srv/clerc/etude.db" # or url = "postgresql://clerc@localhost/etude"

[sms]                        # the SMS gateway (either file; `sms_settings`, docs/sms.md)
url = "https://…"            # token in token_file or the variable named by token_env, never here

Which base is opened, weakest first: the XDG default path < the étude's config < the user's
config < CLERC_DATABASE < --db (`choose_database`). A file is only read when it exists, and
only when nothing stronger names the base: `clerc --db X` reads neither (start-up cost).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clerc_tui.errors import ClercError
from clerc_tui.paths import config_file, default_database_path, system_config_file

if TYPE_CHECKING:
    from textual.binding import Binding


@dataclass(frozen=True)
class DatabaseChoice:
    """The base a command opens and what named it.

    `source`: "option" (--db), "environment" (CLERC_DATABASE), "user_config", "system_config"
    or "default"; `config_file`: the file that named it, for the two configs."""

    target: str
    source: str
    config_file: Path | None = None

    @property
    def origin(self) -> str:
        """What named the base, in French (whoami, the app's title): « base de l'étude,
        /etc/clerc/config.toml », « votre configuration, … », « CLERC_DATABASE », « --db »."""
        if self.source == "system_config":
            return f"base de l'étude, {self.config_file}"
        if self.source == "user_config":
            return f"votre configuration, {self.config_file}"
        return {"option": "--db", "environment": "CLERC_DATABASE"}.get(self.source, "chemin par défaut")


def choose_database(option: str | None = None) -> DatabaseChoice:
    """The base to open: --db, else CLERC_DATABASE, else the user's [database], else the
    étude's, else the XDG path. Nothing is created here (`clerc init` creates a base). A config
    file that names a base but cannot be read is a ClercError naming the file: clerc never
    falls back silently to another base."""
    if option:
        return DatabaseChoice(option, "option")
    env = os.environ.get("CLERC_DATABASE")
    if env:
        return DatabaseChoice(env, "environment")
    for path, source in ((config_file(), "user_config"), (system_config_file(), "system_config")):
        if _exists(path):
            target = database_setting(path)
            if target is not None:
                return DatabaseChoice(target, source, path)
    return DatabaseChoice(str(default_database_path()), "default")


def _exists(path: Path) -> bool:
    """Whether the config file is there; a folder on its way that the account may not enter
    (/etc/clerc 0750) is said, not taken for an absent file."""
    try:
        path.stat()
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError as error:
        from clerc_tui.services.files import os_cause

        raise _unreadable(path, os_cause(error)) from None
    return True


def _read_toml(path: Path) -> dict[str, Any]:
    """The file's tables; OSError, UnicodeDecodeError or tomllib.TOMLDecodeError when unreadable."""
    import tomllib  # only when there is a file to read: most clercs have none

    return tomllib.loads(path.read_text(encoding="utf-8"))


def _unreadable(path: Path, why: str) -> ClercError:
    return ClercError(
        f"Configuration {path} illisible ({why}) : la base de l'étude n'a pas été ouverte. "
        "Corrigez ce fichier (administrateur de l'étude pour /etc/clerc) ou indiquez la base par --db CHEMIN."
    )


def database_setting(path: Path) -> str | None:
    """The base a config file's `[database]` table names (`path = "…"` or `url = "…"`), None
    without that table; a ClercError naming the file when it cannot be read or says it wrong."""
    import tomllib

    try:
        data = _read_toml(path)
    except OSError as error:
        from clerc_tui.services.files import os_cause

        raise _unreadable(path, os_cause(error)) from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise _unreadable(path, str(error)) from None
    table = data.get("database")
    if table is None:
        return None
    if not isinstance(table, dict):
        raise _unreadable(path, "[database] doit être une table")
    unknown = sorted(set(table) - {"path", "url"})
    if unknown:
        raise _unreadable(path, f"clé inconnue dans [database] : {', '.join(unknown)} ; path ou url attendu")
    if len(table) != 1:
        raise _unreadable(path, "[database] doit donner path ou url, l'un des deux")
    key, value = next(iter(table.items()))
    if not isinstance(value, str) or not value.strip():
        raise _unreadable(path, f"[database] {key} doit être un texte non vide")
    if key == "url":
        if "://" not in value:
            raise _unreadable(path, f"[database] url « {value} » n'est pas une URL (postgresql://…)")
        return value
    file = Path(value).expanduser()
    if not file.is_absolute():
        raise _unreadable(path, f"[database] path « {value} » doit être un chemin absolu")
    return str(file)


def load_keymap(path: Path | None = None) -> tuple[dict[str, str], str | None]:
    """The keymap, and a French warning if the file could not be read (the defaults then apply)."""
    path = path or config_file()
    if not path.exists():
        return {}, None
    import tomllib  # only when there is a file to read: most clercs have none

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return {}, f"Configuration {path} illisible ({exc}) : raccourcis par défaut utilisés."
    keymap = data.get("keymap", {})
    if not isinstance(keymap, dict) or not all(isinstance(v, str) for v in keymap.values()):
        return {}, f"Configuration {path} : la table [keymap] doit associer un id à des touches (texte)."
    return {str(k): v for k, v in keymap.items()}, None


def load_animations(path: Path | None = None) -> tuple[bool, str | None]:
    """`[display] animations` (off without it), and a French warning when the value is not
    true or false (then off). An unreadable file is load_keymap's to report."""
    return _display_flag("animations", False, "animations désactivées", path)


def load_compact_output(path: Path | None = None) -> tuple[bool, str | None]:
    """`[display] compact_output`: what is written to the terminal compacted (on without it,
    clerc_tui/terminal.py), and a French warning when the value is not true or false (then on)."""
    return _display_flag("compact_output", True, "sortie compacte gardée", path)


def _display_flag(name: str, default: bool, kept: str, path: Path | None) -> tuple[bool, str | None]:
    path = path or config_file()
    if not path.exists():
        return default, None
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return default, None
    display = data.get("display", {})
    value = display.get(name, default) if isinstance(display, dict) else None
    if not isinstance(value, bool):
        return default, f"Configuration {path} : [display] {name} doit valoir true ou false : {kept}."
    return value, None


MODIFIERS = frozenset({"ctrl", "shift", "alt", "super", "meta", "hyper"})


def _valid_key(key: str) -> bool:
    """A key Textual can deliver: a character or a key name, after optional modifiers."""
    from textual.keys import REPLACED_KEYS, Keys, key_to_character

    *modifiers, base = key.split("+")
    if not base or any(m not in MODIFIERS for m in modifiers):
        return False
    if len(base) == 1:
        return True
    # Textual names six characters its own way (« / » is slash, not solidus…): the key it
    # delivers, and its name for the default bindings, so valid here too.
    base = REPLACED_KEYS.get(base, base)
    return base in {k.value for k in Keys} or key_to_character(base) is not None


def check_keymap(keymap: Mapping[str, str], bindings: Mapping[str, list[Binding]]) -> tuple[dict[str, str], list[str]]:
    """The keymap with what cannot apply left out, and each problem said in French.

    `bindings`: for each place (screen title), its Binding objects. Reported: an id that no
    binding has, a key Textual cannot deliver, and one key given two actions in one place
    (the keymap's key then shadows the other action there)."""
    from textual.keys import _normalize_key_list

    known = {b.id for place in bindings.values() for b in place if b.id}
    clean: dict[str, str] = {}
    problems: list[str] = []
    for binding_id, keys in keymap.items():
        if binding_id not in known:
            problems.append(f"identifiant inconnu « {binding_id} » (la touche ? montre les identifiants)")
            continue
        wanted = [k for k in _normalize_key_list(keys).split(",")]
        bad = [k for k in wanted if not _valid_key(k)]
        if bad:
            problems.append(f"touche invalide « {', '.join(bad)} » pour « {binding_id} » (touche par défaut gardée)")
            continue
        clean[binding_id] = ",".join(wanted)
    for place, place_bindings in bindings.items():
        actions_by_key: dict[str, set[str]] = {}
        moved: set[str] = set()  # keys the keymap gives to a binding that did not have them
        for binding in place_bindings:
            default = _normalize_key_list(binding.key).split(",")
            binding_keys = clean[binding.id].split(",") if binding.id in clean else default
            moved.update(k for k in binding_keys if k not in default)
            for key in binding_keys:
                actions_by_key.setdefault(key, set()).add(binding.id or binding.action)
        for key, ids in sorted(actions_by_key.items()):
            if len(ids) > 1 and key in moved:
                problems.append(
                    f"la touche « {key} » sert à deux actions ({', '.join(sorted(ids))}) sur l'écran « {place} »"
                )
    return clean, problems


# --- [sms] and [smtp]: channel_config.py, imported when one of its names is first asked for here ---

_CHANNEL_NAMES = frozenset(
    {
        "SMS_AUTH_MODES", "SMS_BODY_FORMATS", "SMS_NUMBER_FORMATS", "SmsSettings", "sms_settings", "sms_token",
        "SMTP_KEYS", "SmtpSettings", "smtp_settings", "channel_settings",
    }
)  # fmt: skip

if TYPE_CHECKING:  # named here for the type checker; at run time by __getattr__
    from clerc_tui.channel_config import (  # noqa: F401
        SMS_AUTH_MODES,
        SMS_BODY_FORMATS,
        SMS_NUMBER_FORMATS,
        SMTP_KEYS,
        SmsSettings,
        SmtpSettings,
        channel_settings,
        sms_settings,
        sms_token,
        smtp_settings,
    )


def __getattr__(name: str) -> object:
    if name not in _CHANNEL_NAMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from clerc_tui import channel_config

    return getattr(channel_config, name)
