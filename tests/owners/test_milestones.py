import pytest
from django.urls import reverse

from owners.models import CareMilestone

pytestmark = pytest.mark.django_db


def test_care_plan_is_seeded_from_the_spec():
    offsets = set(CareMilestone.objects.values_list("months", "days"))
    assert {(0, 2), (0, 7), (1, 0), (3, 0), (12, 0), (24, 0), (36, 0), (48, 0), (60, 0)} <= offsets


def test_sales_manager_edits_the_care_plan(login, sales_manager):
    client = login(sales_manager)
    formset = client.get(reverse("owners:milestone_edit")).context["formset"]
    data = {"form-TOTAL_FORMS": len(formset.forms), "form-INITIAL_FORMS": formset.initial_form_count(),
            "form-MIN_NUM_FORMS": 0, "form-MAX_NUM_FORMS": 1000}
    for i, form in enumerate(formset.forms):
        instance = form.instance
        if instance.pk:
            data.update({f"form-{i}-id": instance.pk, f"form-{i}-months": instance.months, f"form-{i}-days": instance.days,
                         f"form-{i}-kind": instance.kind, f"form-{i}-purpose": instance.purpose})
            if instance.months != 1:
                data[f"form-{i}-is_active"] = "on"
    i = len(formset.forms) - 1
    data.update({f"form-{i}-months": 6, f"form-{i}-days": 15, f"form-{i}-kind": "care", f"form-{i}-purpose": "半年回访", f"form-{i}-is_active": "on"})
    response = client.post(reverse("owners:milestone_edit"), data)
    assert response.status_code == 302
    assert not CareMilestone.objects.get(months=1, days=0).is_active
    assert CareMilestone.objects.filter(months=6, days=15, purpose="半年回访").exists()


def test_consultant_and_showroom_manager_get_404_on_care_plan(login, consultant, showroom_manager):
    assert login(consultant).get(reverse("owners:milestone_edit")).status_code == 404
    assert login(showroom_manager).get(reverse("owners:milestone_edit")).status_code == 404
