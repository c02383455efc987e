"""The channels a campaign sends through: the contract every sender meets.

A sender takes one `OutgoingMessage` (one message to one debtor of one dossier) and returns the
provider's id for it, or raises `ChannelError` with a French reason. `services/amicable.py` calls
it between claiming the message's key in the send log and marking it sent: a sender never
retries by itself, and never sends a message twice (docs/law/amicable.md, at-most-once).

E-mail: `services/channels/email.py` (the étude's SMTP server, config `[smtp]`). SMS:
`services/channels/sms.py` (the étude's HTTP gateway, config `[sms]`; `ChannelUncertain` is a
`ChannelError` with `uncertain=True`). `sender_for(channel, …)` is the one place that picks them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from clerc_tui.errors import ClercError

if TYPE_CHECKING:
    from collections.abc import Callable

    from clerc_tui.config import SmsSettings, SmtpSettings


@dataclass(frozen=True)
class OutgoingMessage:
    """One message to one debtor of one dossier."""

    key: str  # idempotence key, e.g. "d{dossier}:s{scenario}:{step}:{channel}"
    dossier_id: int
    channel: str
    to: str
    subject: str
    body: str


class ChannelError(ClercError):
    """A message the channel did not take (French reason): the campaign records the failure and
    the key may be claimed again. `uncertain=True` when the provider may have taken it all the
    same (the connection cut while the message was handed over): the key then stays claimed and
    is reported « envoi incertain, à vérifier », never sent again by itself."""

    def __init__(self, message: str, *, uncertain: bool = False):
        super().__init__(message)
        self.uncertain = uncertain


class Sender(Protocol):
    channel: str

    def send(self, message: OutgoingMessage) -> str: ...  # provider's message id; raises ChannelError


def sender_for(
    channel: str,
    smtp: SmtpSettings | None,
    sms: SmsSettings | None = None,
    sms_token: Callable[[SmsSettings], str] | None = None,
) -> Sender:
    """The sender configured for `channel`, or ChannelError saying what to configure. `smtp`,
    `sms`: the config's `[smtp]` and `[sms]` (config.smtp_settings, config.sms_settings) and
    `sms_token` (config.sms_token, read once here), all read by the caller: services never read
    the config."""
    if channel == "email":
        from clerc_tui.services.channels.email import SmtpSender

        if smtp is None:
            raise ChannelError(
                "Aucun serveur de courriel n'est configuré : ajoutez une table [smtp] (host, port, starttls, user, "
                "sender, password_file ou password_env) à /etc/clerc/config.toml (README, « Courriels »)."
            )
        return SmtpSender(smtp)
    if channel == "sms":
        from clerc_tui.services.channels.sms import SmsSender, gateway_from_settings

        if sms is not None and sms_token is None:
            raise ValueError("sms without sms_token")
        return SmsSender(gateway_from_settings(sms, sms_token or (lambda _settings: "")))
    raise ChannelError(f"Le canal « {channel} » ne s'envoie pas par un service : lettres en lot, appels à la main.")
