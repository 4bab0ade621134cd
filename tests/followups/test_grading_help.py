"""Grading help per rule set (issue 12, item 7): the manuals' wording ships with each preset, the grade
fields' labels and the help next to them follow the active set, a sales manager edits it with the set;
O only through an order, and a card that is not an active prospect keeps its grade when a contact is logged."""

from datetime import date, datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from followups.models import GradeRule, RuleSet
from leads.models import Contact, Customer, Visit
from tests.factories import prospect_create
from tests.followups.test_rule_sets import _formset_data
from tests.owners.conftest import ordered

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 10)


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(timezone.make_aware(datetime(2026, 3, 10, 15, 0)), tick=False):
        yield


def grade_labels(form, field="grade") -> dict[str, str]:
    return dict(form.fields[field].choices)


def help_card(response) -> str:
    content = response.content.decode()
    start = content.index('data-testid="grade-criteria"')
    return content[start:content.index("</dl>", start)]


def activate(client, name: str):
    rule_set = RuleSet.objects.get(name=name)
    assert client.post(reverse("followups:rule_set_activate", args=[rule_set.pk])).status_code == 302
    return rule_set


def test_the_svw_preset_shows_the_svw_manuals_grading(login, consultant):
    customer = prospect_create(consultant=consultant, grade="H", first_contact_on=TODAY)
    response = login(consultant).get(reverse("leads:contact_create", args=[customer.pk]))
    labels = grade_labels(response.context["form"], "grade_after")
    assert labels == {
        "H": "H · 7日内可能购车", "A": "A · 15日内可能购车", "B": "B · 30日内可能购车",
        "C": "C · 2-3月内可能购车", "N": "N · 暂时无法确定",
    }
    card = help_card(response)
    assert "信心 + 需求 + 购买力" in card
    assert "First follow-up within 3 days, then at least 2 times every 3 days" in card  # A
    assert "First follow-up within 24 hours, then at least once every 2 days" in card  # H


def test_under_the_lotus_preset_labels_and_help_are_the_lotus_manuals(login, consultant, sales_manager):
    activate(login(sales_manager), "Lotus")
    response = login(consultant).get(reverse("leads:customer_create"))
    labels = grade_labels(response.context["form"])
    assert labels["A"] == "A · 7日以上~15日以内成交" and labels["C"] == "C · 一个月以上时间成交"
    assert "O" not in labels
    card = help_card(response)
    for criterion in ["车型车色、型号已选定", "商谈分期付款手续", "再次来看展示车辆", "需求 + 购买力", "购车时间模糊"]:
        assert criterion in card
    assert "Then at least once every 4 days" in card  # Lotus A: every four days
    # Nothing of the SVW windows is left on the page.
    content = response.content.decode()
    assert "15日内可能购车" not in content and "twice" not in content


def test_a_sales_manager_edits_the_grading_help_with_the_rule_set(login, consultant, sales_manager):
    svw = RuleSet.objects.get(name="SVW")
    response = login(sales_manager).post(
        reverse("followups:rule_set_update", args=[svw.pk]),
        _formset_data(svw, H={"expected_purchase": "3日内成交", "criteria": "已选定车型\n\n已谈好价格 "}),
    )
    assert response.status_code == 302
    rule = GradeRule.objects.get(rule_set=svw, grade="H")
    assert (rule.expected_purchase, rule.criteria) == ("3日内成交", "已选定车型\n\n已谈好价格")

    customer = prospect_create(consultant=consultant, grade="H", first_contact_on=TODAY)
    page = login(consultant).get(reverse("leads:customer_detail", args=[customer.pk]))
    card = help_card(page)
    assert "<li>已选定车型</li><li>已谈好价格</li>" in card and "3日内成交" in card
    assert "3日内成交 · " in page.content.decode()  # the card's grade header


def test_the_rules_page_offers_the_help_fields_and_a_copy_keeps_them(login, sales_manager):
    client = login(sales_manager)
    lotus = RuleSet.objects.get(name="Lotus")
    page = client.get(reverse("followups:rules"), {"set": lotus.pk}).content.decode()
    assert "7日以上~15日以内成交" in page and 'name="rules-2-criteria"' in page
    client.post(reverse("followups:rule_set_copy", args=[lotus.pk]), {"name": "Our Lotus"})
    copied = GradeRule.objects.get(rule_set__name="Our Lotus", grade="B")
    assert copied.expected_purchase == "15日以上~一个月内成交" and "再次来看展示车辆" in copied.criteria


def test_an_active_prospect_cannot_be_given_o_by_a_contact(login, consultant):
    customer = prospect_create(consultant=consultant, grade="H", first_contact_on=TODAY)
    client = login(consultant)
    form = client.get(reverse("leads:contact_create", args=[customer.pk])).context["form"]
    response = client.post(reverse("leads:contact_create", args=[customer.pk]), {
        "submission_key": form.initial["submission_key"], "method": "phone", "contacted_at": "2026-03-10T14:30",
        "content": "Wants to sign", "grade_after": "O", "next_followup_reason": "Sign the order",
    })
    assert response.status_code == 200 and "grade_after" in response.context["form"].errors
    assert 'value="Wants to sign"' not in response.content.decode()  # a textarea: the typed text is its body
    assert "Wants to sign" in response.content.decode()
    customer.refresh_from_db()
    assert customer.grade == "H" and not Contact.objects.exists()


def test_a_contact_on_an_ordered_customer_keeps_grade_o(login, consultant):
    customer = ordered(consultant)
    client = login(consultant)
    response = client.get(reverse("leads:contact_create", args=[customer.pk]))
    field = response.context["form"].fields["grade_after"]
    assert field.disabled and [value for value, _label in field.choices] == ["O"]
    response = client.post(reverse("leads:contact_create", args=[customer.pk]), {
        "submission_key": response.context["form"].initial["submission_key"], "method": "phone",
        "contacted_at": "2026-03-10T14:30", "content": "Delivery date agreed", "grade_after": "H",
        "next_followup_reason": "Delivery",
    })
    assert response.status_code == 302
    customer.refresh_from_db()
    assert (customer.status, customer.grade) == (Customer.Status.ORDERED, "O")
    assert Contact.objects.get(customer=customer).grade_after == "O"


def test_the_registers_do_not_offer_o(login, consultant, reception):
    call_form = login(consultant).get(reverse("leads:phone_register")).context["form"]
    assert "O" not in grade_labels(call_form) and grade_labels(call_form)["H"] == "H · 7日内可能购车"
    visit = Visit.objects.create(
        visit_date=TODAY, arrived_at=datetime(2026, 3, 10, 14).time(), consultant=consultant, created_by=reception,
    )
    complete = login(consultant).get(reverse("leads:visit_complete", args=[visit.pk]))
    assert "O" not in grade_labels(complete.context["form"])
