"""Phone numbers (SPEC §7): mainland mobiles of 11 digits starting with 1, or landlines with area code.

Numbers are stored as digits only in national form (13800138000, 02161234567), so that a search for
part of a number is a plain substring match.
"""

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MOBILE = re.compile(r"^1[3-9]\d{9}$")


def normalise_phone(raw: str) -> str:
    """Return the number as national digits, or raise ValidationError with a message for the user."""
    text = (raw or "").strip()
    digits = re.sub(r"\D", "", text)
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) in (13, 12, 11) and not MOBILE.match(digits):
        digits = digits[2:]
    if MOBILE.match(digits):
        return digits
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


def digits_of(text: str) -> str:
    return re.sub(r"\D", "", text or "")


def display_phone(digits: str) -> str:
    if MOBILE.match(digits or ""):
        return f"{digits[:3]} {digits[3:7]} {digits[7:]}"
    return digits
