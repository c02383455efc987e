"""E-mail through the étude's SMTP server (`[smtp]` of the config, config.smtp_settings), with
the standard library only (smtplib, email.message).

One connection for a whole campaign: opened at the first message, kept, checked with NOOP
before a message when it has been idle for `IDLE_CHECK` seconds (servers drop idle clients), and
reopened when the server dropped it meanwhile. A message the server
refused (an address it rejects, a 4xx/5xx) raises ChannelError: it was not accepted, so the
campaign may try it again later. A connection cut while the message was handed over is
`uncertain` (the server may have taken it): never retried here. The provider id returned is the
message's Message-ID, which the étude finds in its server's log."""

from __future__ import annotations

import contextlib
import re
import smtplib
import ssl
import time
from email.charset import QP, Charset
from email.header import Header
from email.mime.text import MIMEText
from email.utils import formataddr, formatdate, make_msgid, parseaddr
from typing import TYPE_CHECKING, cast

from clerc_tui.services.channels import ChannelError, OutgoingMessage

if TYPE_CHECKING:  # read by the caller (cli/, screens/: config.smtp_settings) and handed in
    from clerc_tui.config import SmtpSettings


IDLE_CHECK = 5.0  # seconds
ADDRESS = re.compile(r"[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+")
UTF8_QP = Charset("utf-8")
UTF8_QP.body_encoding = QP  # French text stays readable in the raw message (base64 otherwise)


class SmtpSender:
    channel = "email"

    def __init__(self, settings: SmtpSettings):
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None
        self._used = 0.0

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        try:
            if s.ssl:
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    s.host, s.port, timeout=s.timeout, context=ssl.create_default_context()
                )
            else:
                smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
                if s.starttls:
                    smtp.starttls(context=ssl.create_default_context())
            if s.user:
                smtp.login(s.user, s.password())
        except (OSError, smtplib.SMTPException) as error:
            raise ChannelError(
                f"Serveur de courriel {s.host}:{s.port} injoignable ou refusant la connexion : {error}."
            ) from None
        return smtp

    def message_of(self, message: OutgoingMessage) -> MIMEText:
        """The e-mail: plain text in UTF-8 (quoted-printable), the subject encoded (RFC 2047).
        Built with the compat32 classes: the default policy's header registry parsed and folded
        every header again, a third of a campaign's CPU (bench/bench_campaign.py)."""
        email = MIMEText(message.body, "plain", cast("str", UTF8_QP))  # a Charset is taken (stubs: str only)
        email["From"] = formataddr(parseaddr(self.settings.sender), charset="utf-8")  # « Étude … » encoded
        email["To"] = message.to
        email["Subject"] = Header(message.subject, "utf-8").encode()
        email["Date"] = formatdate(localtime=True)
        email["Message-ID"] = make_msgid(domain=parseaddr(self.settings.sender)[1].rsplit("@", 1)[-1])
        email["X-Clerc-Key"] = message.key
        return email

    def send(self, message: OutgoingMessage) -> str:
        if not ADDRESS.fullmatch(message.to):  # one plain address: never a header or a list smuggled in
            raise ChannelError(f"Adresse électronique invalide : « {message.to} ».")
        email = self.message_of(message)
        smtp = self._ready()
        try:
            smtp.send_message(email)
        except smtplib.SMTPRecipientsRefused:
            raise ChannelError(f"Adresse refusée par le serveur de courriel : {message.to}.") from None
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as error:
            raise ChannelError(f"Message refusé par le serveur de courriel : {error}.") from None
        except (OSError, smtplib.SMTPException) as error:
            self._smtp = None
            raise ChannelError(
                f"Connexion au serveur de courriel coupée pendant l'envoi ({error}) : le message a pu partir.",
                uncertain=True,
            ) from None
        return str(email["Message-ID"])

    def _ready(self) -> smtplib.SMTP:
        """The open connection (checked by NOOP when idle for a while), else a new one. A server
        that dropped an idle connection is found here, before a message is handed over: a cut
        during the hand-over itself is `uncertain`."""
        idle = time.monotonic() - self._used
        self._used = time.monotonic()
        if self._smtp is not None and idle < IDLE_CHECK:
            return self._smtp
        if self._smtp is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                if self._smtp.noop()[0] == 250:
                    return self._smtp
            self._smtp = None
        self._smtp = self._connect()
        return self._smtp

    def close(self) -> None:
        if self._smtp is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self._smtp.quit()
            self._smtp = None
