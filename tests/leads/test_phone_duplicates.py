from io import StringIO

import pytest
from django.core.management import call_command

from leads.models import Customer
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_lists_cards_whose_phone_is_another_cards_in_another_digit_form(consultant):
    kept = CustomerFactory(phone="13912345678", consultant=consultant, name="王一")
    twin = CustomerFactory(phone="13700000000", consultant=consultant, name="王二")
    Customer.objects.filter(pk=twin.pk).update(phone="１３９１２３４５６７８")  # stored before digits were normalised
    CustomerFactory(phone="13800000000", consultant=consultant, name="李三")
    out = StringIO()

    call_command("phone_duplicates", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines == [f"#{kept.pk} 王一 (13912345678) | #{twin.pk} 王二 (１３９１２３４５６７８)", "1 phone(s) shared by more than one card."]
