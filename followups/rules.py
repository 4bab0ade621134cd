"""Follow-up date arithmetic (docs/domain.md, "Grades" and "Follow-ups"): pure functions over plain values, no ORM.

A prospect is first followed up within the grade's first deadline counted from the first contact;
after that at least `times` contacts in every window of `per_days` days: the next contact is due
`per_days` days after the `times`-th most recent contact day. "Twice every 3 days" so alternates
gaps of 1 and 2 days; with too few contacts yet, the gap is `per_days // times` (at least one). An appointment agreed with the customer wins over the rule,
and a date the consultant sets may bring the follow-up forward; it may push it past the rule only
when postponed with a reason (`postponed=True`), and never more than a year ahead.
"""

from dataclasses import dataclass
from datetime import date, timedelta

# A postponement goes at most this far past today.
POSTPONE_MAX_DAYS = 365


@dataclass(frozen=True)
class Cadence:
    first_within_days: int | None
    times: int
    per_days: int

    @property
    def interval_days(self) -> int:
        return max(1, self.per_days // max(1, self.times))


@dataclass(frozen=True)
class Due:
    on: date
    kind: str  # "first_contact", "cadence" or "appointment": the Task.Kind values
    postponed: bool = False  # the date is past the rule's, by the consultant's postponement


def rule_due(
    cadence: Cadence, *, first_contact: date, last_followup: date | None, earlier_followups: tuple[date, ...] = ()
) -> Due:
    """The latest date the rules allow for the next follow-up.

    `earlier_followups`: the contact days before `last_followup`, most recent first (only the first
    `times - 1` matter).
    """
    if last_followup is None:
        days = cadence.first_within_days if cadence.first_within_days is not None else cadence.interval_days
        return Due(first_contact + timedelta(days=days), "first_contact")
    window_start = ([last_followup, *earlier_followups] + [None] * cadence.times)[max(cadence.times, 1) - 1]
    if window_start is None:
        return Due(last_followup + timedelta(days=cadence.interval_days), "cadence")
    return Due(max(window_start + timedelta(days=cadence.per_days), last_followup + timedelta(days=1)), "cadence")


def next_due(
    cadence: Cadence,
    *,
    first_contact: date,
    last_followup: date | None,
    earlier_followups: tuple[date, ...] = (),
    appointment: date | None = None,
    requested: date | None = None,
    postponed: bool = False,
    today: date,
) -> Due:
    """When the prospect's next follow-up is due.

    `appointment`: the day of a time agreed with the customer; it wins if not already past.
    `requested`: the date the consultant wrote down; it brings the rule date forward, or, with
    `postponed` (the caller says a reason was given), pushes it later, to at most a year after today.
    """
    if appointment is not None and appointment >= today:
        return Due(appointment, "appointment")
    due = rule_due(cadence, first_contact=first_contact, last_followup=last_followup, earlier_followups=earlier_followups)
    if requested is not None and requested < due.on:
        return Due(max(requested, today), due.kind)
    if requested is not None and requested > due.on and postponed:
        latest = today + timedelta(days=POSTPONE_MAX_DAYS)
        if latest > due.on:
            return Due(min(requested, latest), due.kind, postponed=True)
    return due


# --- The weekly H-grade list (docs/domain.md, "Reports") ------------------------------------------

# The list is built in the weekly meeting for the current week or the next (SVW: 找出下周最有可能成交的客户).
H_LIST_WEEKS_AHEAD = 1
# The expected signing day falls in the week, or at the latest in the week after it.
H_LIST_EXPECTED_DAYS_AFTER = 13


def week_start_of(day: date) -> date:
    """The Monday of `day`'s week."""
    return day - timedelta(days=day.weekday())


def h_list_week_is_open(week_start: date, *, today: date) -> bool:
    """A week's list is changed until its Sunday; after that it is frozen, as committed."""
    return today <= week_start + timedelta(days=6)


def h_list_week_may_be_committed(week_start: date, *, today: date) -> bool:
    """Entries are put on the current week's list or the next week's."""
    current = week_start_of(today)
    return current <= week_start <= current + timedelta(weeks=H_LIST_WEEKS_AHEAD)


def h_list_expected_range(week_start: date) -> tuple[date, date]:
    """The days an expected signing day may be: from the week's Monday to the Sunday after it."""
    return week_start, week_start + timedelta(days=H_LIST_EXPECTED_DAYS_AFTER)
