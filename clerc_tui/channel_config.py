"""The channels' tables of the config: `[sms]` (the étude's SMS gateway, docs/sms.md) and `[smtp]`
(its mail server), read when a campaign or the amicable desk sends, never at start-up. Named through
config.py as before (`from clerc_tui.config import sms_settings`), which imports this module when one
of them is first asked for: its two settings classes cost ~1.5 % of clerc's start-up."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clerc_tui.config import _exists, _read_toml
from clerc_tui.errors import ClercError
from clerc_tui.paths import config_file, system_config_file

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
