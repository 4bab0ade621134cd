"""Demo of the reports app: this month's and last month's targets for the eight consultants, and the
export log of last month's reports the managers downloaded."""

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from accounts.models import User
from reports.models import MonthlyTarget, ReportExport
from reports.periods import month_first, previous_month


def build(*, rng: random.Random, today: date, staff: dict[str, User]) -> None:
    this_month = month_first(today)
    months = [previous_month(this_month), this_month]
    targets = []
    for number in range(1, 9):
        consultant = staff[f"consultant{number}"]
        sales = rng.randint(3, 5)  # what a consultant of this showroom sells in a month, a little more
        for month in months:
            targets.append(
                MonthlyTarget(
                    consultant=consultant,
                    month=month,
                    sales=sales,
                    test_drives=sales * 2 + rng.randint(0, 3),
                    return_visits=sales + rng.randint(0, 3),
                    prospecting=rng.randint(3, 8),
                    contacts=sales * 20 + rng.randint(0, 30),
                    updated_by=staff["salesmgr"],
                )
            )
    MonthlyTarget.objects.bulk_create(
        targets,
        update_conflicts=True,
        unique_fields=["consultant", "month"],
        update_fields=[*MonthlyTarget.FIELDS, "updated_by"],
    )

    _exports(rng=rng, today=today, staff=staff)


def _exports(*, rng: random.Random, today: date, staff: dict[str, User]) -> None:
    last_month = previous_month(month_first(today))
    downloads = [
        ("salesmgr", "board", f"performance-{last_month:%Y%m}.xlsx", f"month={last_month:%Y-%m}"),
        ("salesmgr", "defeats", f"defeats-{last_month:%Y%m}.xlsx", f"start={last_month:%Y-%m-%d}"),
        ("showroom1", "daily", f"daily-activity-{today - timedelta(days=1):%Y%m%d}.xlsx", f"day={today - timedelta(days=1):%Y-%m-%d}"),
        ("showroom2", "progress", f"progress-{last_month:%Y%m}.xlsx", f"month={last_month:%Y-%m}"),
    ]
    for days_ago, (username, report, filename, filters) in enumerate(downloads, 1):
        export = ReportExport.objects.create(
            user=staff[username], report=report, filename=filename, filters=filters, rows=rng.randint(8, 60)
        )
        at = timezone.make_aware(datetime.combine(today - timedelta(days=days_ago), time(17, 30)))
        ReportExport.objects.filter(pk=export.pk).update(exported_at=at)  # auto_now_add: backdated after
