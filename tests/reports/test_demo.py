import random
from datetime import date

import pytest

from demo import targets as targets_demo
from demo.staff import build_staff
from reports.models import MonthlyTarget

pytestmark = pytest.mark.django_db


def test_demo_sets_this_and_last_months_targets_for_the_eight_consultants():
    staff = build_staff()

    targets_demo.build(rng=random.Random(7), today=date(2026, 3, 18), staff=staff)

    targets = MonthlyTarget.objects.all()
    assert targets.count() == 16
    assert set(targets.values_list("month", flat=True)) == {date(2026, 2, 1), date(2026, 3, 1)}
    assert set(targets.values_list("consultant__username", flat=True)) == {f"consultant{n}" for n in range(1, 9)}
    assert all(t.sales > 0 and t.contacts > t.sales for t in targets)


def test_demo_is_deterministic_for_a_seed():
    staff = build_staff()

    targets_demo.build(rng=random.Random(7), today=date(2026, 3, 18), staff=staff)
    first = list(MonthlyTarget.objects.order_by("consultant", "month").values_list("contacts", "sales"))
    targets_demo.build(rng=random.Random(7), today=date(2026, 3, 18), staff=staff)

    assert list(MonthlyTarget.objects.order_by("consultant", "month").values_list("contacts", "sales")) == first
    assert MonthlyTarget.objects.count() == 16
