"""The SMS identifier rule of the simulated Brevo.

Brevo stores the `SMS` attribute as digits with the country code and no `+`,
and documents three accepted spellings: `+91xxxxxxxxxx`, `0091xxxxxxxxxx` and
`91xxxxxxxxxx`. A number without a country code is rejected with 400
`invalid_parameter` "Invalid phone number". Brevo does not publish its exact
check, so the sandbox applies this one:

1. Spaces, hyphens, dots and parentheses are removed.
2. A leading `+` or `00` is removed. Otherwise the digits must already start
   with a country code, so a leading `0` (a national trunk prefix such as the
   UK's `07700 ...`) is rejected.
3. What remains must be 8 to 15 digits (E.164 allows at most 15) and a
   possible number for its country code according to `phonenumbers`: the
   country code exists and the national part has a length used there.
   Validity of the number range is not checked, so fictional ranges such as
   +44 7700 900xxx are accepted.
"""

from __future__ import annotations

import re

import phonenumbers

_SEPARATORS = re.compile(r"[\s\-.()]")
_DIGITS = re.compile(r"\d{8,15}")


def normalise_sms(value: str) -> str | None:
    """Return the stored form of a phone number (digits), or None if invalid."""
    compact = _SEPARATORS.sub("", value)
    if compact.startswith("+"):
        digits = compact[1:]
    elif compact.startswith("00"):
        digits = compact[2:]
    elif compact.startswith("0"):
        return None
    else:
        digits = compact
    if not _DIGITS.fullmatch(digits):
        return None
    try:
        parsed = phonenumbers.parse("+" + digits, None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(parsed):
        return None
    return digits
