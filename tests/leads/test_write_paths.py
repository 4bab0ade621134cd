"""Every writer of a customer row bumps its version and records who: a form opened before any change
(a sign-off, a return, an order, an import) is refused instead of saving over it."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from leads import services
from leads.models import CarModel
from tests.factories import prospect_create
from tests.owners.test_import import _csv

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def _stale_form(client, customer) -> dict:
    """The edit form as the consultant opened it, before the manager's change."""
    form = client.get(reverse("leads:customer_edit", args=[customer.pk])).context["form"]
    return {name: value for name, value in form.initial.items() if value is not None}


@pytest.mark.parametrize("change", ["sign", "return", "order"])
def test_an_edit_form_opened_before_a_managers_change_is_refused(consultant, showroom_manager, change):
    customer = prospect_create(consultant=consultant, name="王小明")
    client = Client()
    client.force_login(consultant)
    stale = _stale_form(client, customer)

    if change == "sign":
        services.card_sign(customer=customer, by=showroom_manager)
    elif change == "return":
        services.card_return(customer=customer, by=showroom_manager, comment="地址不全")
    else:
        services.order_record(
            customer=customer, by=showroom_manager, fields={"ordered_on": date.today(), "car_model": CarModel.objects.first()}
        )
    response = client.post(reverse("leads:customer_edit", args=[customer.pk]), {**stale, "occupation": "医生"})

    assert response.status_code == 200 and "after you opened it" in response.content.decode()
    customer.refresh_from_db()
    assert customer.occupation == "" and customer.updated_by == showroom_manager and customer.version == 2


def test_an_import_that_fills_a_known_customers_blanks_is_a_recorded_edit(consultant, showroom_manager):
    customer = prospect_create(consultant=consultant, phone="13700000009")
    client = Client()
    client.force_login(consultant)
    stale = _stale_form(client, customer)
    client.force_login(showroom_manager)
    upload = _csv([{"kind": "prospect", "name": "老客户", "phone": "13700000009", "region": "浦东", "consultant": consultant.username}])

    preview = client.post(reverse("owners:import_upload"), {"file": upload})
    client.post(reverse("owners:import_confirm"), {"token": preview.context["token"]})

    customer.refresh_from_db()
    assert customer.region == "浦东" and customer.updated_by == showroom_manager and customer.version == 2
    client.force_login(consultant)
    response = client.post(reverse("leads:customer_edit", args=[customer.pk]), {**stale, "region": "徐汇"})
    assert "after you opened it" in response.content.decode()
