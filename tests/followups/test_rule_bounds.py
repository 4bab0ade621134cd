"""Bounds on the rule data: a follow-up interval or a revisit period beyond a year is refused, so that no
due date runs past what the date arithmetic and the daily job hold."""

import pytest
from django.urls import reverse

from followups.models import GradeRule, RuleSet
from tests.followups.test_rule_sets import _formset_data

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("field", "value"),
    [("per_days", 367), ("per_days", 32767), ("times", 32), ("first_within_days", 367)],
)
def test_rule_beyond_a_year_is_refused(login, sales_manager, field, value):
    svw = RuleSet.objects.get(name="SVW")
    before = {rule.pk: (rule.first_within_days, rule.times, rule.per_days) for rule in GradeRule.objects.filter(rule_set=svw)}
    response = login(sales_manager).post(
        reverse("followups:rule_set_update", args=[svw.pk]), _formset_data(svw, B={field: value})
    )
    assert response.status_code == 400
    b_form = next(form for form in response.context["formset"] if form.instance.grade == "B")
    assert field in b_form.errors
    after = {rule.pk: (rule.first_within_days, rule.times, rule.per_days) for rule in GradeRule.objects.filter(rule_set=svw)}
    assert after == before


def test_revisit_period_beyond_a_year_is_refused(login, sales_manager):
    svw = RuleSet.objects.get(name="SVW")
    data = {**_formset_data(svw), "defeat_revisit_days": 32767}
    response = login(sales_manager).post(reverse("followups:rule_set_update", args=[svw.pk]), data)
    assert response.status_code == 400 and "defeat_revisit_days" in response.context["form"].errors
    svw.refresh_from_db()
    assert svw.defeat_revisit_days == 90


def test_rule_forms_carry_their_bounds_for_the_inputs(login, sales_manager):
    response = login(sales_manager).get(reverse("followups:rules"))
    assert response.context["form"].fields["defeat_revisit_days"].widget.attrs["max"] == "366"
    rule_form = response.context["formset"].forms[0]
    assert rule_form.fields["per_days"].widget.attrs["max"] == "366"
    assert rule_form.fields["times"].widget.attrs["max"] == "31"
