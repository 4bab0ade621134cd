"""Recording an order: grade O, status ordered; refused for a customer who cannot order."""

import pytest
from django.urls import reverse
from django.utils import timezone

from leads import services
from leads.models import CarModel, Colour, Customer, DefeatReason, Order

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def order_url(customer):
    return reverse("leads:order_create", args=[customer.pk])


def order_data(client, customer, **overrides):
    form = client.get(order_url(customer)).context["form"]
    data = {
        "submission_key": form.initial["submission_key"],
        "ordered_on": timezone.localdate().isoformat(),
        "car_model": CarModel.objects.first().pk,
        "colour": Colour.objects.first().pk,
        "price": "158000",
        "deposit": "5000",
    }
    data.update(overrides)
    return data


def test_order_makes_the_customer_grade_o_and_ordered(login, consultant):
    from tests.factories import prospect_create

    customer = prospect_create(consultant=consultant, grade="H")
    client = login(consultant)
    response = client.post(order_url(customer), order_data(client, customer))
    assert response.status_code == 302
    order = Order.objects.get()
    assert order.price == 158000 and order.consultant == consultant
    customer.refresh_from_db()
    assert (customer.grade, customer.status) == ("O", Customer.Status.ORDERED)


def test_order_form_defaults_to_the_intended_model(login, consultant):
    from tests.factories import prospect_create

    model = CarModel.objects.last()
    customer = prospect_create(consultant=consultant, car_model=model)
    form = login(consultant).get(order_url(customer)).context["form"]
    assert form.initial["car_model"] == model.pk


def test_double_submission_records_one_order(login, consultant):
    from tests.factories import prospect_create

    customer = prospect_create(consultant=consultant, grade="H")
    client = login(consultant)
    data = order_data(client, customer)
    client.post(order_url(customer), data)
    client.post(order_url(customer), data)
    assert Order.objects.count() == 1


def test_customer_pending_defeat_cannot_order(login, consultant):
    from tests.factories import prospect_create

    customer = prospect_create(consultant=consultant, grade="B")
    services.defeat_file(customer=customer, by=consultant, fields={"reason": DefeatReason.objects.first(), "analysis": "Bought elsewhere"})
    client = login(consultant)
    response = client.post(order_url(customer), order_data(client, customer), follow=True)
    assert "Only an active prospect can order." in response.content.decode()
    assert not Order.objects.exists()


def test_bad_order_rerenders_with_typed_values(login, consultant):
    from tests.factories import prospect_create

    customer = prospect_create(consultant=consultant)
    client = login(consultant)
    response = client.post(order_url(customer), order_data(client, customer, price="abc", deposit="3000"))
    assert response.status_code == 200 and "price" in response.context["form"].errors
    assert 'value="3000"' in response.content.decode()
    assert not Order.objects.exists()
