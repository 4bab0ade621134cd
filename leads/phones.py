"""Phone numbers: mainland mobiles of 11 digits starting with 1, or landlines with area code.

The one normaliser (`normalise_phone` for a number that is entered, `search_digits` for part of one
that is searched) and the one display form (`display_phone`, the `|phone` template filter). Numbers
are stored as ASCII digits only, in national form (13800138000, 02161234567), so that a search for
part of a number is a plain substring match. See docs/domain.md, "Data quality".
"""

import re
import unicodedata

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MOBILE = re.compile(r"^1[3-9]\d{9}$")


def digits_of(text: str) -> str:
    """The digits of `text` as ASCII: full-width, Arabic-Indic, Devanagari… digits count as the digit they are."""
    text = unicodedata.normalize("NFKC", text or "")
    return "".join(str(unicodedata.decimal(char)) for char in text if unicodedata.decimal(char, None) is not None)


def _national(digits: str) -> str:
    """Digits without the country prefix (+86 / 0086), when they have one."""
    if digits.startswith("0086"):
        return digits[4:]
    if digits.startswith("86") and len(digits) in (13, 12, 11) and not MOBILE.match(digits):
        return digits[2:]
    return digits


def search_digits(text: str) -> str:
    """The digits to look for when a user searches for (part of) a phone number."""
    return _national(digits_of(text))


def normalise_phone(raw: str) -> str:
    """Return the number as national digits, or raise ValidationError with a message for the user."""
    digits = search_digits(raw)
    if MOBILE.match(digits):
        return digits
    if digits[:1] not in ("0", "1") and digits != digits_of(raw):
        digits = "0" + digits  # +86 21 6123 4567: a landline written with the country code drops its trunk 0
    if digits.startswith("1"):
        raise ValidationError(_("A mobile number has 11 digits and starts with 13–19."), code="invalid_phone")
    if not digits.startswith("0"):
        raise ValidationError(_("Enter a mobile number, or a landline with its area code (e.g. 021-61234567)."), code="invalid_phone")
    try:
        number = phonenumbers.parse(digits, "CN")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(_("This is not a valid landline number with area code."), code="invalid_phone")
    return "0" + str(number.national_number)


def display_phone(digits: str) -> str:
    """138 0013 8000 for a stored mobile; landlines as stored."""
    if MOBILE.match(digits or ""):
        return f"{digits[:3]} {digits[3:7]} {digits[7:]}"
    return digits
