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
from collections.abc import Callable, Mapping
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


# --- [sms]: the étude's SMS gateway (docs/sms.md) -----------------------------------------------

SMS_AUTH_MODES = ("bearer", "basic", "header", "field", "none")
SMS_BODY_FORMATS = ("json", "form", "query")
SMS_NUMBER_FORMATS = ("e164", "digits")
_SMS_TEXT_KEYS = (
    "url", "sender", "auth", "user", "auth_header", "token_field", "token_file", "token_env",
    "body", "to_field", "text_field", "sender_field", "reference_field", "number_format", "id_key", "error_key",
)  # fmt: skip


@dataclass(frozen=True)
class SmsSettings:
    """The `[sms]` table: where and how to post an SMS. The token is not here: `token_file` or
    the environment variable `token_env` holds it (read by `sms_token`), never the base.

    `to_field`, `text_field`, `sender_field`, `reference_field` and the keys of `fields` may be
    dotted (`recipient.to`) for a nested JSON body; `id_key` is the dotted path of the message id
    in the JSON answer (`SmsIds.0`: first item of a list), `error_key` where a provider that
    answers 200 to a refusal puts its reason (OVHcloud's `message`). An empty field name is not sent."""

    url: str
    sender: str = ""
    auth: str = "bearer"
    user: str = ""
    auth_header: str = ""
    token_field: str = ""
    token_file: str = ""
    token_env: str = ""
    body: str = "json"
    to_field: str = "to"
    text_field: str = "text"
    sender_field: str = "from"
    reference_field: str = ""
    number_format: str = "e164"
    id_key: str = "id"
    error_key: str = ""
    timeout: float = 10.0
    fields: tuple[tuple[str, str], ...] = ()
    config_file: Path | None = None


def sms_settings(paths: tuple[Path, ...] | None = None) -> SmsSettings | None:
    """The first `[sms]` table of the user's config, then the étude's (/etc/clerc/config.toml);
    None when neither has one. A table said wrong is a ClercError naming the file."""
    import tomllib

    for path in paths if paths is not None else (config_file(), system_config_file()):
        if not _exists(path):
            continue
        try:
            data = _read_toml(path)
        except OSError as error:
            from clerc_tui.services.files import os_cause

            raise _sms_unreadable(path, os_cause(error)) from None
        except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
            raise _sms_unreadable(path, str(error)) from None
        if "sms" in data:
            return _sms_table(path, data["sms"])
    return None


def _sms_unreadable(path: Path, why: str) -> ClercError:
    return ClercError(f"Configuration {path} : [sms] illisible ({why}) ; aucun SMS n'a été envoyé (docs/sms.md).")


def _sms_table(path: Path, table: Any) -> SmsSettings:
    if not isinstance(table, dict):
        raise _sms_unreadable(path, "[sms] doit être une table")
    unknown = sorted(set(table) - {*_SMS_TEXT_KEYS, "timeout", "fields"})
    if unknown:
        raise _sms_unreadable(path, f"clé inconnue : {', '.join(unknown)}")
    values: dict[str, Any] = {}
    for key in _SMS_TEXT_KEYS:
        if key in table:
            if not isinstance(table[key], str):
                raise _sms_unreadable(path, f"{key} doit être un texte")
            values[key] = table[key].strip()
    url = values.get("url", "")
    if not url.startswith(("https://", "http://")):
        raise _sms_unreadable(path, "url doit être l'adresse https://… de la passerelle")
    for key, allowed in (("auth", SMS_AUTH_MODES), ("body", SMS_BODY_FORMATS), ("number_format", SMS_NUMBER_FORMATS)):
        if key in values and values[key] not in allowed:
            raise _sms_unreadable(path, f"{key} = « {values[key]} » : {', '.join(allowed)} attendu")
    auth = values.get("auth", "bearer")
    needs = {"basic": "user", "header": "auth_header", "field": "token_field"}.get(auth)
    if needs and not values.get(needs):
        raise _sms_unreadable(path, f"auth = « {auth} » demande {needs}")
    if auth != "none" and bool(values.get("token_file")) == bool(values.get("token_env")):
        raise _sms_unreadable(
            path, "le jeton se lit dans token_file ou dans la variable nommée par token_env, l'un des deux"
        )
    timeout = table.get("timeout", 10)
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not 0 < timeout <= 120:
        raise _sms_unreadable(path, "timeout doit être un nombre de secondes, plus de 0 et au plus 120")
    fields = table.get("fields", {})
    if not isinstance(fields, dict) or not all(isinstance(v, str | int | bool) for v in fields.values()):
        raise _sms_unreadable(path, "[sms.fields] doit associer un nom de champ à une valeur fixe")
    constant = tuple((str(k), v if isinstance(v, str) else str(v).lower()) for k, v in fields.items())
    return SmsSettings(**values, timeout=float(timeout), fields=constant, config_file=path)


def sms_token(settings: SmsSettings) -> str:
    """The gateway's secret: the first line of `token_file` (refused when every account of the
    server may read it), or the environment variable `token_env` names. Never shown."""
    where = settings.config_file or "[sms]"
    if settings.auth == "none":
        return ""
    if settings.token_env:
        token = os.environ.get(settings.token_env, "").strip()
        if not token:
            raise ClercError(
                f"Jeton SMS absent : la variable d'environnement {settings.token_env} (token_env, {where}) est vide "
                "ou absente ; aucun SMS n'a été envoyé."
            )
        return token
    file = Path(settings.token_file).expanduser()
    try:
        if file.stat().st_mode & 0o004:
            raise ClercError(
                f"Jeton SMS {file} lisible par tous les comptes du serveur : retirez ce droit "
                f"(chmod o-r {file}) ; aucun SMS n'a été envoyé."
            )
        lines = file.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        from clerc_tui.services.files import os_cause

        raise ClercError(f"Jeton SMS {file} illisible ({os_cause(error)}) ; aucun SMS n'a été envoyé.") from None
    except UnicodeDecodeError:
        raise ClercError(f"Jeton SMS {file} illisible (pas du texte UTF-8) ; aucun SMS n'a été envoyé.") from None
    token = lines[0].strip() if lines else ""
    if not token:
        raise ClercError(f"Jeton SMS {file} vide ; aucun SMS n'a été envoyé.")
    return token


SMTP_KEYS = frozenset({"host", "port", "starttls", "ssl", "user", "sender", "password_file", "password_env", "timeout"})


@dataclass(frozen=True)
class SmtpSettings:
    """The étude's SMTP server for the amicable e-mails (`[smtp]`; docs: README « Courriels »).
    The password is never in the base nor in the config: read from `password_file` or from the
    environment variable `password_env` names, when the sender connects."""

    host: str
    port: int
    starttls: bool
    ssl: bool
    user: str
    sender: str
    password_file: str
    password_env: str
    timeout: float
    config_file: Path

    def password(self) -> str:
        if self.password_file:
            path = Path(self.password_file).expanduser()
            try:
                return path.read_text(encoding="utf-8").strip()
            except OSError as error:
                from clerc_tui.services.files import os_cause

                raise ClercError(
                    f"Mot de passe SMTP illisible ({path} : {os_cause(error)}) : "
                    f"[smtp] password_file de {self.config_file}."
                ) from None
        if self.password_env:
            value = os.environ.get(self.password_env)
            if value is None:
                raise ClercError(
                    f"La variable d'environnement {self.password_env} ([smtp] password_env de {self.config_file}) "
                    "n'est pas définie : le mot de passe SMTP manque."
                )
            return value
        return ""


def smtp_settings() -> SmtpSettings | None:
    """`[smtp]` of the user's config, else of the étude's (/etc/clerc/config.toml); None when
    neither has one. A table said wrong is a ClercError naming the file and the key."""
    import tomllib

    for path in (config_file(), system_config_file()):
        if not _exists(path):
            continue
        try:
            data = _read_toml(path)
        except OSError as error:
            from clerc_tui.services.files import os_cause

            raise _smtp_unreadable(path, os_cause(error)) from None
        except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
            raise _smtp_unreadable(path, str(error)) from None
        table = data.get("smtp")
        if table is None:
            continue
        if not isinstance(table, dict):
            raise _smtp_unreadable(path, "[smtp] doit être une table")
        return _smtp_of(path, table)
    return None


def _smtp_unreadable(path: Path, why: str) -> ClercError:
    return ClercError(f"Configuration {path} : {why} ; aucun courriel n'a été envoyé.")


def _smtp_of(path: Path, table: dict[str, Any]) -> SmtpSettings:
    unknown = sorted(set(table) - SMTP_KEYS)
    if unknown:
        raise _smtp_unreadable(path, f"clé inconnue dans [smtp] : {', '.join(unknown)}")
    host, sender = table.get("host"), table.get("sender")
    if not isinstance(host, str) or not host.strip() or not isinstance(sender, str) or "@" not in sender:
        raise _smtp_unreadable(path, "[smtp] doit donner host (le serveur) et sender (l'adresse d'expédition)")
    port = table.get("port", 587)
    if not isinstance(port, int) or not 0 < port < 65536:
        raise _smtp_unreadable(path, f"[smtp] port « {port} » n'est pas un numéro de port")
    flags = {}
    for key, default in (("starttls", True), ("ssl", False)):
        value = table.get(key, default)
        if not isinstance(value, bool):
            raise _smtp_unreadable(path, f"[smtp] {key} doit valoir true ou false")
        flags[key] = value
    texts = {}
    for key in ("user", "password_file", "password_env"):
        value = table.get(key, "")
        if not isinstance(value, str):
            raise _smtp_unreadable(path, f"[smtp] {key} doit être un texte")
        texts[key] = value
    if "password" in table:
        raise _smtp_unreadable(path, "[smtp] le mot de passe ne s'écrit pas ici : password_file ou password_env")
    timeout = table.get("timeout", 30)
    if not isinstance(timeout, (int, float)) or timeout <= 0:
        raise _smtp_unreadable(path, "[smtp] timeout doit être un nombre de secondes")
    return SmtpSettings(
        host=host.strip(),
        port=port,
        starttls=flags["starttls"],
        ssl=flags["ssl"],
        user=texts["user"],
        sender=sender.strip(),
        password_file=texts["password_file"],
        password_env=texts["password_env"],
        timeout=float(timeout),
        config_file=path,
    )


def channel_settings(
    channel: str,
) -> tuple[SmtpSettings | None, SmsSettings | None, Callable[[SmsSettings], str]]:
    """What `services.channels.sender_for(channel, …)` takes, read here for the callers (cli/,
    screens/): only that channel's table is read, so a wrong `[sms]` never stops the e-mails."""
    return (
        smtp_settings() if channel == "email" else None,
        sms_settings() if channel == "sms" else None,
        sms_token,
    )
