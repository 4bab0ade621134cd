"""Care-plan date arithmetic (docs/domain.md, "Follow-ups"): pure functions over plain values, no ORM.

Months are calendar months (dateutil): delivered on 31 January 2024, one month later is
29 February 2024; a birthday on 29 February falls on 28 February in a year without one.
"""

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta


def milestone_due(delivered_on: date, *, months: int, days: int) -> date:
    return delivered_on + relativedelta(months=months) + timedelta(days=days)


def birthday_in(birthday: date, year: int) -> date:
    return birthday + relativedelta(years=year - birthday.year)


def yearly_in_window(first: date, *, start: date, end: date, offset: relativedelta = relativedelta()) -> list[date]:
    """Dates `first` + n years (n >= 1) + offset that fall in [start, end]."""
    found = []
    for year in range(start.year - 1, end.year + 2):
        years = year - first.year
        if years < 1:
            continue
        on = first + relativedelta(years=years) + offset
        if start <= on <= end:
            found.append(on)
    return found


def revisits_in_window(defeated_on: date, *, every_days: int, start: date, end: date) -> list[date]:
    """Revisit dates defeated_on + k·every_days (k >= 1) in [start, end]."""
    every = max(1, every_days)
    found = []
    k = max(1, ((start - defeated_on).days + every - 1) // every)
    while (on := defeated_on + timedelta(days=k * every)) <= end:
        if on >= start:
            found.append(on)
        k += 1
    return found
