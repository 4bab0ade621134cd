"""Vehicle identification numbers (ISO 3779): 17 characters, no I, O or Q, and a check digit.

The check digit (position 9, North-American weights) is mandatory in North America and usual in
China (VINs starting with L). Elsewhere position 9 may be a plain character, so the rule applied is:
when the 9th character is a digit or X it must be the correct check digit; otherwise it is accepted.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

TRANSLITERATION = {
    **{str(d): d for d in range(10)},
    "A": 1, "B": 2, "C": 3, "D": 4, "E": 5, "F": 6, "G": 7, "H": 8,
    "J": 1, "K": 2, "L": 3, "M": 4, "N": 5, "P": 7, "R": 9,
    "S": 2, "T": 3, "U": 4, "V": 5, "W": 6, "X": 7, "Y": 8, "Z": 9,
}
WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
SHAPE = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")


def check_digit(vin: str) -> str:
    """The check character the VIN should carry at position 9 ("0"–"9" or "X")."""
    total = sum(TRANSLITERATION[char] * weight for char, weight in zip(vin, WEIGHTS))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def normalise_vin(raw: str) -> str:
    """Return the VIN in upper case without spaces, or raise ValidationError with a clear message."""
    vin = re.sub(r"[\s-]", "", raw or "").upper()
    if len(vin) != 17:
        raise ValidationError(
            _("A VIN has 17 characters; this one has %(count)d.") % {"count": len(vin)}, code="vin_length"
        )
    if re.search(r"[IOQ]", vin):
        raise ValidationError(_("A VIN never contains the letters I, O or Q."), code="vin_letters")
    if not SHAPE.match(vin):
        raise ValidationError(_("A VIN contains only letters and digits."), code="vin_characters")
    if (vin[8].isdigit() or vin[8] == "X") and vin[8] != check_digit(vin):
        raise ValidationError(
            _("The check digit (9th character) of this VIN should be %(expected)s, not %(given)s: "
              "check the VIN for a typing mistake.") % {"expected": check_digit(vin), "given": vin[8]},
            code="vin_check_digit",
        )
    return vin


def with_check_digit(vin16: str) -> str:
    """Complete a VIN whose 9th character is a placeholder (used by the demo and tests)."""
    vin = vin16[:8] + "0" + vin16[9:]
    return vin[:8] + check_digit(vin) + vin[9:]
