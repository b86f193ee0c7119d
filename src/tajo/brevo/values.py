"""Identifier preparation for Brevo contacts: email, SMS in E.164 and ext_id.

Pure functions with no HTTP client, so the planner can import them. Brevo keys a
contact on each of its identifiers and rejects SMS values without a country
code. Gorgias holds emails in mixed case with stray spaces, and tajo compares
identifiers as plain strings (the store's links, list membership results). Every
value is therefore normalized here before it leaves tajo, and a value that
cannot be normalized is dropped with a reason instead of being sent raw.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import phonenumbers

from tajo.errors import ConfigError

IdentityPolicy = Literal["ext_id", "skip"]

# Reasons reported for dropped values and skipped contacts; the sync counts them.
REASON_EMAIL_EMPTY = "email_empty"
REASON_EMAIL_INVALID = "email_invalid"
REASON_PHONE_EMPTY = "phone_empty"
REASON_PHONE_UNUSABLE = "phone_unusable"
REASON_NO_EMAIL_OR_PHONE = "no_email_or_phone"
REASON_NO_IDENTIFIER = "no_identifier"

# RFC 5321 caps a forward path at 256 octets, so a usable address has at most 254.
_MAX_EMAIL_LENGTH = 254
_EMAIL_LOCAL = re.compile(r"^[^\s@\"(),:;<>\[\]\\]+$")
# Letters and digits of any script, so internationalized domains pass.
_EMAIL_DOMAIN_LABEL = re.compile(r"^[^\W_](?:[\w-]{0,61}[^\W_])?$")
_PHONE_NOISE = re.compile(r"[\s().\-/]")


@dataclass(frozen=True, slots=True)
class Normalized:
    """A normalized value, or None with the reason it cannot be used."""

    value: str | None
    reason: str | None = None
    raw: object = None

    @property
    def usable(self) -> bool:
        return self.value is not None


def normalize_email(raw: object) -> Normalized:
    """Trim and lower-case an email address; reject obviously invalid ones.

    The check is deliberately loose (one `@`, a dotted domain of valid labels,
    no spaces): Brevo is the final judge, and a real but unusual address must not
    be dropped here.
    """
    if raw is None:
        return Normalized(None, REASON_EMAIL_EMPTY, raw)
    text = str(raw).strip().lower()
    if not text:
        return Normalized(None, REASON_EMAIL_EMPTY, raw)
    if len(text) > _MAX_EMAIL_LENGTH or text.count("@") != 1:
        return Normalized(None, REASON_EMAIL_INVALID, raw)
    local, domain = text.split("@")
    if not local or not _EMAIL_LOCAL.match(local) or ".." in local:
        return Normalized(None, REASON_EMAIL_INVALID, raw)
    labels = domain.split(".")
    if len(labels) < 2 or not all(_EMAIL_DOMAIN_LABEL.match(label) for label in labels):
        return Normalized(None, REASON_EMAIL_INVALID, raw)
    return Normalized(text, None, raw)


def check_region(region: str) -> str:
    """Return `region` upper-cased if `phonenumbers` supports it.

    Raises:
        ConfigError: the region is not an ISO 3166-1 alpha-2 code known to
            `phonenumbers`.
    """
    code = region.strip().upper()
    if code not in phonenumbers.SUPPORTED_REGIONS:
        raise ConfigError(
            f"invalid default phone region: region={region!r}; expected an ISO "
            "3166-1 alpha-2 code such as FR, GB or US; set the connector's default "
            "phone region"
        )
    return code


def normalize_phone(raw: object, region: str) -> Normalized:
    """Return a phone number in E.164 form, read with `region` as the default.

    A number written with the `00` international prefix is understood even when
    the region dials abroad with another prefix (`011` in the US). A number
    that `phonenumbers` cannot read, or whose length is impossible for its
    country, returns None with `phone_unusable`. Possible numbers in ranges that
    no operator uses yet (such as the UK drama range 07700 900xxx) are kept,
    because only Brevo can decide whether it accepts them.

    Raises:
        ConfigError: `region` is unknown.
    """
    default_region = check_region(region)
    if raw is None:
        return Normalized(None, REASON_PHONE_EMPTY, raw)
    text = str(raw).strip()
    if not text:
        return Normalized(None, REASON_PHONE_EMPTY, raw)
    number = _parse_possible(text, default_region)
    compact = _PHONE_NOISE.sub("", text)
    if number is None and compact.startswith("00"):
        number = _parse_possible("+" + compact[2:], default_region)
    if number is None:
        return Normalized(None, REASON_PHONE_UNUSABLE, raw)
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return Normalized(e164, None, raw)


def _parse_possible(text: str, region: str) -> phonenumbers.PhoneNumber | None:
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return number


@dataclass(frozen=True, slots=True)
class Identity:
    """The identifiers to send for one contact, or why the contact is skipped.

    `warnings` lists the reasons of values that were present but dropped, as
    `reason:value` strings, so the caller can count them and show them.
    """

    email: str | None
    sms: str | None
    ext_id: str | None
    skip_reason: str | None = None
    warnings: tuple[str, ...] = ()

    @property
    def skipped(self) -> bool:
        return self.skip_reason is not None

    @property
    def event_identifiers(self) -> dict[str, str]:
        """Return the identifiers in the form `POST /events` expects."""
        identifiers: dict[str, str] = {}
        if self.email is not None:
            identifiers["email_id"] = self.email
        if self.ext_id is not None:
            identifiers["ext_id"] = self.ext_id
        if self.sms is not None:
            identifiers["phone_id"] = self.sms
        return identifiers


def prepare_identity(
    email: object,
    phones: Iterable[object],
    ext_id: str | None,
    *,
    policy: IdentityPolicy,
    region: str,
    use_ext_id: bool = True,
) -> Identity:
    """Choose the identifiers that Brevo will key a contact on.

    The email is used when it is usable, and so is the first phone that
    normalizes to E.164. The ext_id is added whenever it is given and
    `use_ext_id` is true. A contact with neither a usable email nor a usable
    phone is written by ext_id alone under `policy="ext_id"`, and skipped with
    `no_email_or_phone` under `policy="skip"` (or with `no_identifier` when the
    policy allows ext_id but none is given).

    Raises:
        ConfigError: `policy` or `region` is invalid.
    """
    if policy not in ("ext_id", "skip"):
        raise ConfigError(
            f"invalid identity policy: policy={policy!r}; expected 'ext_id' or "
            "'skip'; fix the identity policy in the connector's configuration"
        )
    warnings: list[str] = []
    email_result = normalize_email(email)
    if email_result.reason == REASON_EMAIL_INVALID:
        warnings.append(f"{REASON_EMAIL_INVALID}:{email_result.raw}")

    sms: str | None = None
    for phone in phones:
        phone_result = normalize_phone(phone, region)
        if phone_result.value is not None:
            sms = phone_result.value
            break
        if phone_result.reason == REASON_PHONE_UNUSABLE:
            warnings.append(f"{REASON_PHONE_UNUSABLE}:{phone_result.raw}")
    if sms is None:
        # Region errors must surface even when the customer has no phone.
        check_region(region)

    cleaned_ext_id = ext_id.strip() if ext_id is not None else None
    if not use_ext_id or not cleaned_ext_id:
        cleaned_ext_id = None

    if email_result.value is None and sms is None:
        if policy == "skip":
            return Identity(None, None, None, REASON_NO_EMAIL_OR_PHONE, tuple(warnings))
        if cleaned_ext_id is None:
            return Identity(None, None, None, REASON_NO_IDENTIFIER, tuple(warnings))
    return Identity(email_result.value, sms, cleaned_ext_id, None, tuple(warnings))
