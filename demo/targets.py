"""Demo monthly targets (the reports app): this month's and last month's targets for the eight consultants."""

import random
from datetime import date

from accounts.models import User
from reports.models import MonthlyTarget
from reports.periods import month_first, previous_month


def build(*, rng: random.Random, today: date, staff: dict[str, User]) -> None:
    this_month = month_first(today)
    months = [previous_month(this_month), this_month]
    targets = []
    for number in range(1, 9):
        consultant = staff[f"consultant{number}"]
        sales = rng.randint(6, 14)
        for month in months:
            targets.append(
                MonthlyTarget(
                    consultant=consultant,
                    month=month,
                    sales=sales,
                    test_drives=sales * 2 + rng.randint(0, 4),
                    return_visits=sales * 2 + rng.randint(0, 6),
                    prospecting=rng.randint(5, 15),
                    contacts=sales * 12 + rng.randint(0, 40),
                    updated_by=staff["salesmgr"],
                )
            )
    MonthlyTarget.objects.bulk_create(
        targets,
        update_conflicts=True,
        unique_fields=["consultant", "month"],
        update_fields=[*MonthlyTarget.FIELDS, "updated_by"],
    )
