"""The notification settings of an integration, as the Notifications screen shows and saves
them: the plain settings go where `orderbridge config set` puts them (validated by the same
model), the SMTP password and the webhook signing secret into the encrypted credentials
(connectors "smtp" and "webhook"), never into settings, and never shown back but as a masked
tail.

Saving is all or nothing: every field is checked first, then everything is written in the
caller's transaction; a refusal (`SettingsRefused`) names each field with what is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from orderbridge.crypto import SecretBox, SecretKeyError, mask
from orderbridge.errors import UsageError
from orderbridge.store import integrations
from orderbridge.store.credentials import (
    AlertChannel,
    delete_credentials,
    load_credentials,
    save_credentials,
)
from orderbridge.store.mappings import unprintable_character
from orderbridge.workflows.integration_config import (
    IntegrationConfig,
    allowed_range,
    config_from_rows,
    validated_value,
)
from orderbridge.workflows.notifications.channels import (
    PASSWORD_KEY,
    SECRET_KEY,
    ChannelName,
    channels_of,
)

FIELDS = ("alert_email_to", "alert_email_from", "smtp_host", "smtp_port", "smtp_user",
          "smtp_starttls", "alert_webhook_url", "alert_batch_minutes")
"""The settings on the screen (an empty one goes back to its default)."""
MIN_SECRET_LENGTH = 16
MAX_SECRET_LENGTH = 500


class SettingsRefused(UsageError):
    """Some fields are not allowed; ``errors`` maps each to what is wrong, in words."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{key}: {why}" for key, why in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class SettingsForm:
    """What the merchant sent. An empty secret keeps the saved one."""

    values: dict[str, str]
    smtp_password: str = field(default="", repr=False)
    webhook_secret: str = field(default="", repr=False)
    forget_smtp_password: bool = False
    forget_webhook_secret: bool = False


@dataclass(frozen=True)
class NotificationSettings:
    """What the screen shows: each field's value, the secrets as masked tails ("" = none)."""

    values: dict[str, str]
    smtp_password: str
    webhook_secret: str
    missing: dict[ChannelName, str]
    descriptions: dict[str, str]


def settings_of(session: Session, box: SecretBox, integration_id: int) -> NotificationSettings:
    config = config_from_rows(integrations.all_settings(session, integration_id))
    values = {key: _text(getattr(config, key)) for key in FIELDS}
    descriptions = {key: IntegrationConfig.model_fields[key].description or "" for key in FIELDS}
    try:
        password = _secret(session, box, integration_id, "smtp", PASSWORD_KEY)
        secret = _secret(session, box, integration_id, "webhook", SECRET_KEY)
        missing = channels_of(session, box, integration_id, config).missing
    except SecretKeyError as exc:
        return NotificationSettings(values, "", "", {"email": str(exc), "webhook": str(exc)},
                                    descriptions)
    return NotificationSettings(values, mask(password) if password else "",
                                mask(secret) if secret else "", missing, descriptions)


def save_settings(session: Session, box: SecretBox, integration_id: int,
                  form: SettingsForm) -> None:
    """Check everything, then save it all (no commit); `SettingsRefused` if anything is not
    allowed, with nothing written."""
    rows = integrations.all_settings(session, integration_id)
    updated = {key: value for key, value in rows.items() if key not in FIELDS}
    errors: dict[str, str] = {}
    for key in FIELDS:
        value = form.values.get(key, "").strip()
        if not value:
            continue  # back to its default
        try:
            updated[key] = validated_value(updated, key, value)
        except UsageError as exc:
            errors[key] = _reason(str(exc), key)
    config = config_from_rows(updated)  # the fields that passed: checked together below
    _check_secrets(session, box, integration_id, config, form, errors)
    if config.alert_email_to and not config.smtp_host:
        errors.setdefault("smtp_host", "needed to send email: the host name of your mail "
                                       "server")
    if errors:
        raise SettingsRefused(errors)
    for key in FIELDS:
        if key in updated:
            integrations.set_setting(session, integration_id, key, updated[key])
        else:
            integrations.delete_setting(session, integration_id, key)
    _store_secret(session, box, integration_id, "smtp", PASSWORD_KEY, form.smtp_password,
                  forget=form.forget_smtp_password, field_name="smtp_password")
    _store_secret(session, box, integration_id, "webhook", SECRET_KEY, form.webhook_secret,
                  forget=form.forget_webhook_secret, field_name="webhook_secret")


def _check_secrets(session: Session, box: SecretBox, integration_id: int,
                   config: IntegrationConfig, form: SettingsForm,
                   errors: dict[str, str]) -> None:
    for name, value in (("smtp_password", form.smtp_password),
                        ("webhook_secret", form.webhook_secret)):
        if len(value) > MAX_SECRET_LENGTH:
            errors[name] = f"at most {MAX_SECRET_LENGTH} characters"
        elif value and unprintable_character(value) is not None:
            errors[name] = "type it on one line, without control characters"
    if form.webhook_secret and len(form.webhook_secret) < MIN_SECRET_LENGTH:
        errors["webhook_secret"] = (f"use at least {MIN_SECRET_LENGTH} characters: a long "
                                    "random text the receiver checks every signature with")
    has_password = bool(form.smtp_password) or (not form.forget_smtp_password and _saved(
        session, box, integration_id, "smtp", PASSWORD_KEY, errors, "smtp_password"))
    if config.smtp_user and not has_password:
        errors.setdefault("smtp_password", "enter the password of this mail user (or clear "
                                           "the user name if the server needs no login)")
    has_secret = bool(form.webhook_secret) or (not form.forget_webhook_secret and _saved(
        session, box, integration_id, "webhook", SECRET_KEY, errors, "webhook_secret"))
    if config.alert_webhook_url and not has_secret:
        errors.setdefault("webhook_secret", "enter a signing secret: every call to the webhook "
                                            "is signed with it")


def _saved(session: Session, box: SecretBox, integration_id: int, connector: AlertChannel,
           key: str, errors: dict[str, str], field_name: str) -> bool:
    try:
        return bool(_secret(session, box, integration_id, connector, key))
    except SecretKeyError as exc:
        errors[field_name] = f"the saved one cannot be read ({exc}); enter it again"
        return False


def _store_secret(session: Session, box: SecretBox, integration_id: int,
                  connector: AlertChannel, key: str, value: str, *, forget: bool,
                  field_name: str) -> None:
    if value:
        try:
            save_credentials(session, integration_id, connector, {key: value}, box)
        except SecretKeyError as exc:
            raise SettingsRefused({field_name: str(exc)}) from None
    elif forget:
        delete_credentials(session, integration_id, connector)


def _secret(session: Session, box: SecretBox, integration_id: int, connector: AlertChannel,
            key: str) -> str:
    stored = load_credentials(session, integration_id, connector, box)
    return "" if stored is None else stored.values.get(key, "")


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _reason(message: str, key: str) -> str:
    """The part of `validated_value`'s message that is about the value ("key = 'v' is not
    allowed: <reason>"); for a number out of its range or not a number, just the range."""
    _, found, reason = message.partition(" is not allowed: ")
    span = allowed_range(key)
    if found and span is not None and reason.startswith("Input should be"):
        return f"use a whole number from {span}"
    return reason if found else message
