"""The admin: code lists editable in the list, customer records read-mostly."""

import pytest
from django.urls import reverse

from accounts.models import User
from tests.factories import CustomerFactory, prospect_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(client):
    client.force_login(User.objects.create_superuser("super", password="x"))
    return client


@pytest.mark.parametrize("model", ["carmodel", "colour", "channel", "defeatreason", "customer", "contact", "visit", "phonecall", "order", "defeat"])
def test_admin_changelists_open(admin_client_, model, consultant):
    prospect_create(consultant=consultant)
    assert admin_client_.get(reverse(f"admin:leads_{model}_changelist")).status_code == 200


def test_code_list_order_and_activity_are_editable_in_the_list(admin_client_):
    response = admin_client_.get(reverse("admin:leads_carmodel_changelist"))
    content = response.content.decode()
    assert 'name="form-0-sort_order"' in content and 'name="form-0-is_active"' in content


def test_customer_admin_searches_by_phone_and_cannot_add(admin_client_, consultant):
    CustomerFactory(name="Found", phone="13912345678", consultant=consultant)
    CustomerFactory(name="Other", phone="13800000000", consultant=consultant)
    response = admin_client_.get(reverse("admin:leads_customer_changelist"), {"q": "1234"})
    assert list(response.context["cl"].result_list.values_list("name", flat=True)) == ["Found"]
    assert admin_client_.get(reverse("admin:leads_customer_add")).status_code == 403
