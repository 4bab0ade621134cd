"""Rule sets page: edit, copy, activate (recomputing open prospects), validation, who may use it."""

from datetime import timedelta

import pytest
from django.urls import reverse

from followups.models import GradeRule, RuleSet, Task
from tests.factories import prospect_create

pytestmark = pytest.mark.django_db


def _formset_data(rule_set: RuleSet, **overrides) -> dict:
    rules = list(rule_set.rules.order_by("pk"))
    data = {
        "name": rule_set.name, "description": rule_set.description, "defeat_revisit_days": rule_set.defeat_revisit_days,
        "rules-TOTAL_FORMS": len(rules), "rules-INITIAL_FORMS": len(rules), "rules-MIN_NUM_FORMS": 0, "rules-MAX_NUM_FORMS": 1000,
    }
    # The page orders the forms O H A B C N; the POST keeps whatever order it was given with ids.
    for i, rule in enumerate(rules):
        data.update({
            f"rules-{i}-id": rule.pk, f"rules-{i}-first_within_days": rule.first_within_days if rule.first_within_days is not None else "",
            f"rules-{i}-times": rule.times, f"rules-{i}-per_days": rule.per_days,
            f"rules-{i}-expected_purchase": rule.expected_purchase, f"rules-{i}-criteria": rule.criteria,
        })
        for field, value in overrides.get(rule.grade, {}).items():
            data[f"rules-{i}-{field}"] = value
    return data


@pytest.mark.parametrize("who", ["sales_manager", "administrator"])
def test_sales_manager_and_administrator_see_the_rule_sets(login, request, who):
    response = login(request.getfixturevalue(who)).get(reverse("followups:rules"))
    assert response.status_code == 200
    assert [rs.name for rs in response.context["rule_sets"]] == ["Lotus", "SVW"]
    assert response.context["selected"].name == "SVW"
    assert [f.instance.grade for f in response.context["formset"]] == ["O", "H", "A", "B", "C", "N"]


@pytest.mark.parametrize("who", ["consultant", "showroom_manager", "reception"])
def test_other_roles_get_404_on_rule_sets(login, request, who):
    client = login(request.getfixturevalue(who))
    svw = RuleSet.objects.get(name="SVW")
    assert client.get(reverse("followups:rules")).status_code == 404
    assert client.post(reverse("followups:rule_set_activate", args=[svw.pk])).status_code == 404
    assert client.post(reverse("followups:rule_set_update", args=[svw.pk]), _formset_data(svw)).status_code == 404


def test_editing_the_active_rule_set_recomputes_open_prospects(login, sales_manager, consultant, frozen_today):
    # given: a new H prospect, first follow-up due tomorrow under SVW
    customer = prospect_create(consultant=consultant, grade="H")
    svw = RuleSet.objects.get(name="SVW")
    assert Task.objects.get(customer=customer, status="open").due_on == frozen_today + timedelta(days=1)
    # when: H's first follow-up moves to "within 0 days"
    response = login(sales_manager).post(
        reverse("followups:rule_set_update", args=[svw.pk]), _formset_data(svw, H={"first_within_days": 0}), follow=True
    )
    # then
    assert GradeRule.objects.get(rule_set=svw, grade="H").first_within_days == 0
    assert Task.objects.get(customer=customer, status="open").due_on == frozen_today
    assert "1" in str(list(response.context["messages"])[0])


@pytest.mark.parametrize("field, value", [("per_days", 0), ("times", 0), ("per_days", "")])
def test_bad_rule_values_rerender_the_form_with_errors(login, sales_manager, field, value):
    svw = RuleSet.objects.get(name="SVW")
    before = GradeRule.objects.get(rule_set=svw, grade="B").per_days
    response = login(sales_manager).post(
        reverse("followups:rule_set_update", args=[svw.pk]), _formset_data(svw, B={field: value, "times": 3 if field != "times" else 0})
    )
    assert response.status_code == 400
    assert response.context["formset"].total_error_count() >= 1
    assert f'value="{value}"' in response.content.decode() or value == ""
    assert GradeRule.objects.get(rule_set=svw, grade="B").per_days == before
    assert GradeRule.objects.get(rule_set=svw, grade="B").times == 1


def test_copying_a_rule_set_makes_an_inactive_copy_with_the_same_rules(login, administrator):
    # given
    svw = RuleSet.objects.get(name="SVW")
    # when
    response = login(administrator).post(reverse("followups:rule_set_copy", args=[svw.pk]), {"name": "本店规则"})
    # then
    copy = RuleSet.objects.get(name="本店规则")
    assert response.status_code == 302 and response.url.endswith(f"?set={copy.pk}")
    assert not copy.is_active
    assert sorted(copy.rules.values_list("grade", "first_within_days", "times", "per_days")) == sorted(
        svw.rules.values_list("grade", "first_within_days", "times", "per_days")
    )


def test_copy_with_a_taken_name_is_refused(login, administrator):
    svw = RuleSet.objects.get(name="SVW")
    response = login(administrator).post(reverse("followups:rule_set_copy", args=[svw.pk]), {"name": "Lotus"})
    assert response.status_code == 400
    assert response.context["copy_form"].errors
    assert RuleSet.objects.count() == 2


def test_activating_a_rule_set_recomputes_and_reports_the_count(login, sales_manager, consultant, frozen_today):
    # given: two open prospects graded A (SVW: first within 3 days; Lotus: every 4 days)
    customers = [prospect_create(consultant=consultant, grade="A") for _ in range(2)]
    lotus = RuleSet.objects.get(name="Lotus")
    # when
    response = login(sales_manager).post(reverse("followups:rule_set_activate", args=[lotus.pk]), follow=True)
    # then
    assert RuleSet.objects.get(is_active=True) == lotus
    assert {t.due_on for t in Task.objects.filter(customer__in=customers, status="open")} == {frozen_today + timedelta(days=4)}
    assert "2" in str(list(response.context["messages"])[0])


def test_activate_needs_post(login, sales_manager):
    lotus = RuleSet.objects.get(name="Lotus")
    assert login(sales_manager).get(reverse("followups:rule_set_activate", args=[lotus.pk])).status_code == 405
    assert not RuleSet.objects.get(pk=lotus.pk).is_active
