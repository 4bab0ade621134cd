"""Who may open which customer page: every role against alice's customer (404, never 403: docs/domain.md, "Visibility")."""

import pytest
from django.urls import reverse

from tests.factories import prospect_create

pytestmark = pytest.mark.django_db

ROLES_OK = {
    "consultant": True,
    "teammate": False,
    "showroom_manager": True,
    "other_manager": False,
    "other_consultant": False,
    "sales_manager": True,
    "reception": False,
}
PAGES = ["customer_detail", "customer_edit", "contact_create", "customer_regrade", "order_create"]


@pytest.fixture
def alices_customer(consultant):
    return prospect_create(consultant=consultant, name="Alice's customer", phone="13912345678", grade="H")


@pytest.mark.parametrize("role, allowed", ROLES_OK.items())
@pytest.mark.parametrize("page", PAGES)
def test_customer_pages_visibility(request, login, alices_customer, page, role, allowed):
    user = request.getfixturevalue(role)
    response = login(user).get(reverse(f"leads:{page}", args=[alices_customer.pk]))
    assert response.status_code == (200 if allowed else 404)


@pytest.mark.parametrize("role, allowed", ROLES_OK.items())
def test_customer_list_visibility(request, login, alices_customer, role, allowed):
    user = request.getfixturevalue(role)
    response = login(user).get(reverse("leads:customer_list"))
    if role == "reception":
        assert response.status_code == 404
    else:
        assert response.status_code == 200
        shown = [customer.pk for customer in response.context["page"].object_list]
        assert (alices_customer.pk in shown) is allowed


@pytest.mark.parametrize("role", [role for role, allowed in ROLES_OK.items() if not allowed])
@pytest.mark.parametrize("page", ["customer_edit", "contact_create", "customer_regrade", "order_create"])
def test_writes_by_users_who_may_not_see_the_customer_are_404(request, login, alices_customer, page, role):
    user = request.getfixturevalue(role)
    response = login(user).post(reverse(f"leads:{page}", args=[alices_customer.pk]), {"grade": "C", "name": "x"})
    assert response.status_code == 404
    alices_customer.refresh_from_db()
    assert alices_customer.grade == "H" and alices_customer.name == "Alice's customer"
