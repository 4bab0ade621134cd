import pytest
from django.core.exceptions import ValidationError

from owners.vin import check_digit, normalise_vin, with_check_digit


def test_vin_with_correct_check_digit_is_accepted_and_upper_cased():
    assert normalise_vin(" 1m8gdm9axkp042788 ") == "1M8GDM9AXKP042788"


def test_chinese_vin_with_valid_check_digit_is_accepted():
    vin = with_check_digit("LSVAA4180E2123456")
    assert normalise_vin(vin) == vin


@pytest.mark.parametrize(
    "vin, code",
    [
        ("1M8GDM9AXKP04278", "vin_length"),
        ("1M8GDM9AXKP0427888", "vin_length"),
        ("1M8GDM9AXKPO42788", "vin_letters"),
        ("1M8GDM9A1KP042788", "vin_check_digit"),
        ("1M8GDM9A*KP042788", "vin_characters"),
    ],
)
def test_bad_vin_is_refused_with_a_reason(vin, code):
    with pytest.raises(ValidationError) as error:
        normalise_vin(vin)
    assert error.value.code == code


def test_vin_whose_ninth_character_is_a_letter_skips_the_check_digit():
    vin = "WVWZZZ1KZAW123456"  # European VIN: position 9 is a letter
    assert check_digit(vin) != "Z"
    assert normalise_vin(vin) == vin
