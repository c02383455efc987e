"""SMS through the étude's HTTP gateway (issue 15 item 3; docs/sms.md).

One small interface, `HttpSmsGateway.send(to, text, sender) -> id`, posts one SMS with the
standard library (urllib) and returns the provider's message id. What differs between providers
is configuration (`RequestTemplate`, read from the `[sms]` table by `config.sms_settings`): the
body (JSON, possibly nested by dotted names; a form; or the URL's query), the field names, the
authentication (bearer, basic, a named header, a body field), the number's form (+33… or 33…)
and where the id is in the JSON answer. OVHcloud, Brevo, Twilio and smsmode fit: docs/sms.md.

Every failure is a `ChannelError` in French; the token never appears in one (nor in a log: this
module logs nothing). `ChannelUncertain` (a `ChannelError`) says the gateway may have sent the SMS
all the same (no answer in time, an answer clerc cannot read): the caller must not resend blindly.

The campaign runner's contract is `services/channels/__init__.py` (`OutgoingMessage`, `Sender`,
`ChannelError`): `SmsSender` is that `Sender` for SMS, and `sender_for("sms", …)` builds it.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import http.client
import json
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from clerc_tui.errors import InvalidInput
from clerc_tui.rules.identifiers import validate_mobile
from clerc_tui.rules.text import inert
from clerc_tui.services.channels import ChannelError, OutgoingMessage

if TYPE_CHECKING:  # config.py reaches Textual (the keymap): services name its dataclass only
    from clerc_tui.config import SmsSettings

# At most this much of an answer is read: a gateway's reply is a few hundred bytes.
_MAX_ANSWER = 1_000_000
_EXCERPT = 120


class ChannelUncertain(ChannelError):
    """The gateway may have sent the SMS although clerc got no usable answer (timeout, unreadable
    answer): to be checked on the provider's site before sending again. The campaign keeps the
    key claimed and reports « envoi incertain, à vérifier » (the shared `uncertain` flag)."""

    def __init__(self, message: str):
        super().__init__(message, uncertain=True)


@dataclass(frozen=True)
class RequestTemplate:
    """How a provider wants its request (the `[sms]` table without url, sender and token)."""

    auth: str = "bearer"
    user: str = ""
    auth_header: str = ""
    token_field: str = ""
    body: str = "json"
    to_field: str = "to"
    text_field: str = "text"
    sender_field: str = "from"
    reference_field: str = ""
    number_format: str = "e164"
    id_key: str = "id"
    error_key: str = ""
    fields: tuple[tuple[str, str], ...] = ()

    @classmethod
    def from_settings(cls, settings: SmsSettings) -> RequestTemplate:
        """The request part of the `[sms]` table (each field of this class is one of its keys)."""
        return cls(**{field.name: getattr(settings, field.name) for field in dataclasses.fields(cls)})


def _put(body: dict[str, Any], name: str, value: str, *, nested: bool) -> None:
    """`recipient.to` = v → {"recipient": {"to": v}} in a JSON body; flat names otherwise."""
    if not name:
        return
    parts = name.split(".") if nested else [name]
    target = body
    for part in parts[:-1]:
        child = target.setdefault(part, {})
        if not isinstance(child, dict):
            child = target[part] = {}
        target = child
    target[parts[-1]] = value


def _dig(answer: Any, path: str) -> Any:
    """The value at a dotted path of a JSON answer (`SmsIds.0`, `data.id`); None when absent."""
    value = answer
    for part in path.split("."):
        if isinstance(value, Mapping) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


class HttpSmsGateway:
    """Posts one SMS to `url`; returns the provider's id (see the module's docstring)."""

    def __init__(
        self, url: str, token: str, sender: str, template: RequestTemplate | None = None, *, timeout: float = 10.0
    ):
        self.url = url
        self._token = token
        self.sender = sender
        self.template = template or RequestTemplate()
        self.timeout = timeout
        parts = urllib.parse.urlsplit(url)
        # What errors name: scheme and host only (a query may hold a secret).
        self.where = f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"

    def __repr__(self) -> str:  # never the token
        return f"HttpSmsGateway({self.where!r}, sender={self.sender!r})"

    def send(self, to: str, text: str, sender: str | None = None, *, reference: str = "") -> str:
        """Send `text` to the mobile `to` (as typed or stored: « 06 12 34 56 78 », +33…); the id."""
        try:
            number = validate_mobile(to)
        except InvalidInput as error:
            raise ChannelError(f"SMS non envoyé : {error.message}") from None
        if not text.strip():
            raise ChannelError("SMS non envoyé : le message est vide.")
        request = self._request(number, text, self.sender if sender is None else sender, reference)
        answer = self._post(request)
        return self._message_id(answer)

    def _request(self, number: str, text: str, sender: str, reference: str) -> urllib.request.Request:
        t = self.template
        nested = t.body == "json"
        body: dict[str, Any] = {}
        for name, value in t.fields:
            _put(body, name, value, nested=nested)
        _put(body, t.to_field, number.lstrip("+") if t.number_format == "digits" else number, nested=nested)
        _put(body, t.text_field, text, nested=nested)
        if sender:
            _put(body, t.sender_field, sender, nested=nested)
        if reference:
            _put(body, t.reference_field, reference, nested=nested)
        headers = {"Accept": "application/json", "User-Agent": "clerc"}
        if t.auth == "bearer":
            headers["Authorization"] = f"Bearer {self._token}"
        elif t.auth == "basic":
            pair = base64.b64encode(f"{t.user}:{self._token}".encode()).decode("ascii")
            headers["Authorization"] = f"Basic {pair}"
        elif t.auth == "header":
            headers[t.auth_header] = self._token
        elif t.auth == "field":
            _put(body, t.token_field, self._token, nested=nested)
        if t.body == "query":
            separator = "&" if urllib.parse.urlsplit(self.url).query else "?"
            return urllib.request.Request(
                self.url + separator + urllib.parse.urlencode(body), headers=headers, method="GET"
            )
        if t.body == "form":
            data = urllib.parse.urlencode(body).encode("utf-8")
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        else:
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
            headers["Content-Type"] = "application/json; charset=utf-8"
        return urllib.request.Request(self.url, data=data, headers=headers, method="POST")

    def _hide(self, text: str) -> str:
        """`text` cut short, one line, inert, with the token (and its URL-encoded form) masked; a JSON
        answer shown with its accents (not as \\u00e9)."""
        with contextlib.suppress(ValueError):
            text = json.dumps(json.loads(text), ensure_ascii=False)
        text = inert(" ".join(text.split()), multiline=False)  # the provider's words: no ESC reaches a terminal
        if self._token:
            for secret in {self._token, urllib.parse.quote_plus(self._token), urllib.parse.quote(self._token)}:
                text = text.replace(secret, "***")
        return text if len(text) <= _EXCERPT else text[: _EXCERPT - 1] + "…"

    def _post(self, request: urllib.request.Request) -> bytes:
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return bytes(response.read(_MAX_ANSWER))
        except urllib.error.HTTPError as error:
            raise self._refused(error) from None
        except urllib.error.URLError as error:
            reason = error.reason
            if isinstance(reason, TimeoutError):
                raise self._timeout() from None
            if isinstance(reason, ConnectionRefusedError):
                raise ChannelError(
                    f"SMS non envoyé : la passerelle {self.where} refuse la connexion (service arrêté ou "
                    "mauvais port ?)."
                ) from None
            if isinstance(reason, socket.gaierror):
                raise ChannelError(
                    f"SMS non envoyé : le serveur {self.where} est introuvable (nom ou réseau)."
                ) from None
            why = self._hide(str(reason.strerror if isinstance(reason, OSError) and reason.strerror else reason))
            raise ChannelError(f"SMS non envoyé : la passerelle {self.where} est injoignable ({why}).") from None
        except TimeoutError:
            raise self._timeout() from None
        except (http.client.HTTPException, OSError):
            raise ChannelUncertain(
                f"SMS peut-être envoyé : la connexion à {self.where} s'est interrompue avant la réponse ; "
                "vérifiez sur le site du prestataire avant de renvoyer."
            ) from None

    def _timeout(self) -> ChannelUncertain:
        seconds = f"{self.timeout:g}".replace(".", ",")
        return ChannelUncertain(
            f"SMS peut-être envoyé : la passerelle {self.where} n'a pas répondu dans les {seconds} s ; "
            "vérifiez sur le site du prestataire avant de renvoyer."
        )

    def _refused(self, error: urllib.error.HTTPError) -> ChannelError:
        try:
            said = self._hide(error.read(2000).decode("utf-8", "replace"))
        except OSError:
            said = ""
        detail = f" : « {said} »" if said else ""
        status = f"HTTP {error.code}"
        if error.code in (401, 403):
            return ChannelError(
                f"SMS non envoyé : la passerelle {self.where} refuse l'identification ({status}) ; "
                f"vérifiez le jeton (token_file ou token_env) et auth dans [sms]{detail}."
            )
        if error.code == 429:
            return ChannelError(
                f"SMS non envoyé : la passerelle {self.where} demande de ralentir ({status}) ; "
                f"réessayez plus tard{detail}."
            )
        if error.code >= 500:
            return ChannelError(f"SMS non envoyé : la passerelle {self.where} est en erreur ({status}){detail}.")
        return ChannelError(f"SMS non envoyé : la passerelle {self.where} refuse la demande ({status}){detail}.")

    def _message_id(self, raw: bytes) -> str:
        try:
            answer = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            said = self._hide(raw[:200].decode("utf-8", "replace"))
            raise ChannelUncertain(
                f"SMS peut-être envoyé : la passerelle {self.where} a répondu autre chose que du JSON "
                f"(« {said} ») ; vérifiez sur le site du prestataire avant de renvoyer."
            ) from None
        value = _dig(answer, self.template.id_key)
        if isinstance(value, bool) or not isinstance(value, str | int) or str(value) == "":
            refusal = _dig(answer, self.template.error_key) if self.template.error_key else None
            if refusal not in (None, ""):
                raise ChannelError(
                    f"SMS non envoyé : la passerelle {self.where} refuse la demande : « {self._hide(str(refusal))} »."
                )
            said = self._hide(raw[:200].decode("utf-8", "replace"))
            raise ChannelUncertain(
                f"SMS peut-être envoyé : la réponse de {self.where} ne donne pas d'identifiant à « "
                f"{self.template.id_key} » (« {said} ») ; vérifiez sur le site du prestataire avant de renvoyer."
            )
        return str(value)


def gateway_from_settings(settings: SmsSettings | None, read_token: Callable[[SmsSettings], str]) -> HttpSmsGateway:
    """The gateway the `[sms]` table describes; the caller (cli/, the app) reads the config:
    `gateway_from_settings(config.sms_settings(), config.sms_token)`."""
    if settings is None:
        raise ChannelError(
            "Aucune passerelle SMS n'est configurée : ajoutez une table [sms] à /etc/clerc/config.toml "
            "(voir docs/sms.md) ; aucun SMS n'a été envoyé."
        )
    return HttpSmsGateway(
        settings.url,
        read_token(settings),
        settings.sender,
        RequestTemplate.from_settings(settings),
        timeout=settings.timeout,
    )


class SmsSender:
    """The campaign runner's `Sender` for SMS: `send(message) -> id` through the gateway; the
    message's key goes as the provider's client reference when `reference_field` is set."""

    channel = "sms"

    def __init__(self, gateway: HttpSmsGateway):
        self.gateway = gateway

    def send(self, message: OutgoingMessage) -> str:
        if message.channel != self.channel:
            raise ChannelError(f"Message « {message.key} » du canal {message.channel} confié à l'envoi des SMS.")
        return self.gateway.send(message.to, message.body, reference=message.key)
