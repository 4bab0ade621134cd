import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "who, landing",
    [
        ("reception", "leads:visit_register"),
        ("consultant", "followups:today"),
        ("showroom_manager", "followups:morning"),
        ("sales_manager", "followups:morning"),
    ],
)
def test_home_takes_each_role_to_its_page(request, login, who, landing):
    client = login(request.getfixturevalue(who))

    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response.url == reverse(landing)


def test_administrator_home_lists_shortcuts(login, administrator):
    response = login(administrator).get(reverse("home"))

    assert response.status_code == 200
    assert reverse("admin:index") in response.text


@pytest.mark.parametrize(
    "who, shown, hidden",
    [
        ("reception", ["leads:visit_register", "leads:phone_register"], ["leads:customer_list", "followups:today", "reports:daily"]),
        ("consultant", ["followups:today", "leads:customer_list", "reports:daily"], ["leads:signoff_queue", "followups:morning", "followups:rules"]),
        ("showroom_manager", ["followups:morning", "leads:signoff_queue", "leads:defeat_queue"], ["followups:rules", "admin:index"]),
        ("sales_manager", ["followups:morning", "followups:rules", "reports:daily"], ["admin:index"]),
    ],
)
def test_navigation_shows_each_role_what_it_uses(request, login, who, shown, hidden):
    client = login(request.getfixturevalue(who))

    nav = client.get(reverse("leads:visit_register")).context["nav_items"]

    urls = {link["url"] for item in nav for link in item.get("children", [item])}
    assert all(reverse(name) in urls for name in shown)
    assert not any(reverse(name) in urls for name in hidden)


def test_today_badge_counts_due_and_overdue_tasks(login, consultant):
    from tests.factories import prospect_create

    prospect_create(consultant=consultant, grade="H")
    from followups.models import Task

    Task.objects.filter(customer__consultant=consultant).update(due_on="2000-01-01", status="overdue")

    nav = login(consultant).get(reverse("followups:today")).context["nav_items"]

    assert [item["count"] for item in nav if item.get("name") == "followups:today"] == [1]
