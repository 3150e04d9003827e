"""Alerts by email: one message through the merchant's mail server (stdlib smtplib), with a
deadline on every step, and every failure said in words ("authentication failed").

Port 465 speaks TLS from the start (SMTPS); any other port starts plain and, with
``smtp_starttls`` (the default), upgrades with STARTTLS before logging in. The password is
sent only to log in and never appears in a message or a log line (smtplib's debug output is
off).
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from orderbridge.workflows.notifications.channels import EmailChannel
from orderbridge.workflows.notifications.failures import NotificationFailed, network_words

TIMEOUT_S = 15.0
"""Seconds each step of the exchange with the mail server may take."""
IMPLICIT_TLS_PORT = 465


def message_of(channel: EmailChannel, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = channel.sender
    message["To"] = ", ".join(channel.recipients)
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = make_msgid(domain=channel.sender.rpartition("@")[2] or None)
    message.set_content(body)
    return message


def send_email(channel: EmailChannel, subject: str, body: str, *,
               timeout_s: float = TIMEOUT_S) -> None:
    """Send one message to every recipient; `NotificationFailed` says why it did not go."""
    where = f"{channel.host}:{channel.port}"
    try:
        _send(channel, message_of(channel, subject, body), timeout_s)
    except smtplib.SMTPAuthenticationError as exc:
        raise _failed(f"authentication failed at {where}: the mail server refused the user "
                      f"name or password ({_answer(exc.smtp_code, exc.smtp_error)})") from None
    except smtplib.SMTPRecipientsRefused as exc:
        refused = ", ".join(sorted(exc.recipients))
        raise _failed(f"the mail server {where} refused the recipient(s) {refused}") from None
    except smtplib.SMTPSenderRefused as exc:
        raise _failed(f"the mail server {where} refused the sender {exc.sender} "
                      f"({_answer(exc.smtp_code, exc.smtp_error)}); set alert_email_from to "
                      "an address it accepts") from None
    except smtplib.SMTPNotSupportedError as exc:
        raise _failed(f"the mail server {where} does not offer {_feature(exc)}") from None
    except smtplib.SMTPResponseException as exc:
        raise _failed(f"the mail server {where} answered "
                      f"{_answer(exc.smtp_code, exc.smtp_error)}") from None
    except smtplib.SMTPServerDisconnected:
        raise _failed(f"the mail server {where} closed the connection (is it a mail server, "
                      "and is the TLS setting right for this port?)") from None
    except smtplib.SMTPException as exc:
        raise _failed(f"the mail server {where} refused the message ({exc})") from None
    except ssl.SSLError as exc:
        raise _failed(f"TLS with {where} failed ({exc.reason or exc}); check smtp_port and "
                      "smtp_starttls") from None
    except OSError as exc:
        raise _failed(network_words(exc, where, timeout_s)) from None


def _send(channel: EmailChannel, message: EmailMessage, timeout_s: float) -> None:
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if channel.port == IMPLICIT_TLS_PORT:
        smtp = smtplib.SMTP_SSL(channel.host, channel.port, timeout=timeout_s, context=context)
    else:
        smtp = smtplib.SMTP(channel.host, channel.port, timeout=timeout_s)
    with smtp:
        smtp.ehlo()
        if channel.port != IMPLICIT_TLS_PORT and channel.starttls:
            if not smtp.has_extn("starttls"):
                raise smtplib.SMTPNotSupportedError("STARTTLS")
            smtp.starttls(context=context)
            smtp.ehlo()
        if channel.user:
            smtp.login(channel.user, channel.password)
        smtp.send_message(message)


def _failed(message: str) -> NotificationFailed:
    return NotificationFailed("email", message)


def _answer(code: int, text: bytes | str) -> str:
    words = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    return f"{code} {words}".strip()


def _feature(exc: smtplib.SMTPNotSupportedError) -> str:
    what = str(exc) or "what was asked"
    if what == "STARTTLS":
        return "STARTTLS: turn smtp_starttls off, or use port 465 (TLS from the start)"
    if "AUTH" in what:
        return ("login (SMTP AUTH): clear smtp_user if it needs no login, or turn "
                "smtp_starttls on (many servers offer login only over TLS)")
    return what
