"""The range of every date and number a user can type: one named rule per kind of value.

Why bounds at all: a value the database takes but the rest of the code cannot use breaks every later
read. A contact dated 0001-01-01 00:00 in Asia/Shanghai is year 0 in UTC: PostgreSQL stores it, the
driver cannot read it back, and every page that loads the row answers 500. A delivery on 9999-12-31
overflows the care-plan arithmetic; a care milestone of 32,767 months stops every later daily job.

Each rule is used, by its name, in four places:

- on the model field: `validators=[Within("record_date")]` (the migration records the name, not the
  limits, so moving a limit here needs no migration);
- on a field of a plain form: `validators=[Within("contact_time", typed=True)]` (a ModelForm runs the
  model field's validators itself);
- `limit_inputs(form)`: the `min` / `max` of the form's HTML inputs;
- `manage.py check_data`: rows already stored outside their rule (`stored_limits`).

A limit is a value or a function of the moment (`now`), for the windows that move with today. A rule's
`typed_low` is stricter than its `low` for a value typed now (a contact logged today is at most about
two years old); a stored row stays valid as it ages, so the models and `check_data` use `low`.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# --- the limits ------------------------------------------------------------------------------------

EARLIEST = date(2000, 1, 1)  # the oldest business record: orders, deliveries, registers, report periods
EARLIEST_BIRTHDAY = date(1900, 1, 1)
CONTACT_WINDOW = timedelta(days=731)  # a contact or appointment typed now: at most about two years ago
FUTURE_TOLERANCE = timedelta(minutes=5)  # a contact "now" from a clock a little ahead
AHEAD = timedelta(days=366)  # an appointment or next follow-up: at most a year ahead
RECORD_MARGIN = timedelta(days=31)  # a delivery, registration or order dated a little after today
PLAN_AHEAD = timedelta(days=731)  # a planned service, an insurance period, a duty roster
REPORT_YEARS_AHEAD = 1  # report pickers and the H list reach December of next year

PARTY_MAX = 50
LOAN_TERM_MAX = 120  # months
PRICE_MAX = Decimal(10_000_000)  # yuan: an order's price and deposit
AMOUNT_MAX = Decimal(1_000_000)  # yuan: a monthly payment, a premium, an accessory
MILEAGE_MAX = 2_000_000  # km
MILESTONE_MONTHS_MAX = 240  # twenty years of care plan
MILESTONE_DAYS_MAX = 366
CADENCE_DAYS_MAX = 366
CADENCE_TIMES_MAX = 31
TARGET_MAX = 100_000
DUTY_POSITION_MAX = 99

Limit = Any  # a value, or a function of the moment returning one


def _day(now: datetime) -> date:
    return timezone.localdate(now)


def _local(day: date) -> datetime:
    """Midnight at the start of a local day, aware."""
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def report_last_day(now: datetime | None = None) -> date:
    return date(_day(now or timezone.now()).year + REPORT_YEARS_AHEAD, 12, 31)


@dataclass(frozen=True)
class Rule:
    kind: str  # "date", "datetime" or "number": how limits are shown
    low: Limit
    high: Limit
    typed_low: Limit = None
    too_low: Promise | None = None
    too_high: Promise | None = None

    def limits(self, *, typed: bool = False, now: datetime | None = None) -> tuple[Any, Any]:
        now = now or timezone.now()
        low = self.typed_low if typed and self.typed_low is not None else self.low
        return _resolve(low, now), _resolve(self.high, now)

    def stored_limits(self, now: datetime | None = None) -> tuple[Any, Any]:
        return self.limits(typed=False, now=now)

    def show(self, value) -> str:
        if self.kind == "datetime":
            return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
        if self.kind == "date":
            return value.isoformat()
        return str(value)


def _resolve(limit: Limit, now: datetime):
    return limit(now) if callable(limit) else limit


RULES: dict[str, Rule] = {
    # When things happened or are agreed to happen.
    "contact_time": Rule(
        "datetime",
        low=lambda now: _local(EARLIEST),
        typed_low=lambda now: now - CONTACT_WINDOW,
        high=lambda now: now + FUTURE_TOLERANCE,
        too_low=_("A contact more than two years ago cannot be logged."),
        too_high=_("A contact cannot be logged in the future."),
    ),
    "appointment_time": Rule(
        "datetime",
        low=lambda now: _local(EARLIEST),
        typed_low=lambda now: now - CONTACT_WINDOW,
        high=lambda now: now + AHEAD,
        too_low=_("An appointment more than two years ago cannot be entered."),
        too_high=_("An appointment can be agreed at most a year ahead."),
    ),
    "followup_date": Rule(
        "date", low=EARLIEST, high=lambda now: _day(now) + AHEAD,
        too_high=_("The next follow-up can be at most a year ahead."),
    ),
    "birthday": Rule(
        "date", low=EARLIEST_BIRTHDAY, high=_day, too_high=_("A birthday cannot be in the future."),
    ),
    # Orders, deliveries, registrations, register rows, referrals, accessories, services done.
    "record_date": Rule("date", low=EARLIEST, high=lambda now: _day(now) + RECORD_MARGIN),
    # Planned services, insurance periods, duty rosters.
    "plan_date": Rule("date", low=EARLIEST, high=lambda now: _day(now) + PLAN_AHEAD),
    # The day, month, range or week a page is asked for.
    "report_period": Rule("date", low=EARLIEST, high=report_last_day),
    "insurance_year": Rule("number", low=EARLIEST.year, high=lambda now: _day(now).year + 1),
    # Numbers.
    "party_size": Rule("number", low=1, high=PARTY_MAX),
    "loan_term": Rule("number", low=0, high=LOAN_TERM_MAX),
    "price": Rule("number", low=Decimal(0), high=PRICE_MAX),
    "amount": Rule("number", low=Decimal(0), high=AMOUNT_MAX),
    "mileage": Rule("number", low=0, high=MILEAGE_MAX),
    "milestone_months": Rule("number", low=0, high=MILESTONE_MONTHS_MAX),
    "milestone_days": Rule("number", low=0, high=MILESTONE_DAYS_MAX),
    "first_within_days": Rule("number", low=0, high=CADENCE_DAYS_MAX),
    "cadence_days": Rule("number", low=1, high=CADENCE_DAYS_MAX),
    "cadence_times": Rule("number", low=1, high=CADENCE_TIMES_MAX),
    "target": Rule("number", low=0, high=TARGET_MAX),
    "duty_position": Rule("number", low=1, high=DUTY_POSITION_MAX),
}

DEFAULT_MESSAGES = {
    "date": (_("Enter a date on or after %(low)s."), _("Enter a date on or before %(high)s.")),
    "datetime": (_("Enter a time on or after %(low)s."), _("Enter a time on or before %(high)s.")),
    "number": (_("Enter a number of at least %(low)s."), _("Enter a number of at most %(high)s.")),
}


@deconstructible
class Within:
    """Validator: the value keeps to the named rule (`typed=True`: the stricter limits of a value typed now)."""

    def __init__(self, rule: str, *, typed: bool = False):
        if rule not in RULES:
            raise KeyError(rule)
        self.rule = rule
        self.typed = typed

    def __call__(self, value) -> None:
        if value is None:
            return
        rule = RULES[self.rule]
        low, high = rule.limits(typed=self.typed)
        default_low, default_high = DEFAULT_MESSAGES[rule.kind]
        params = {"low": rule.show(low), "high": rule.show(high)}
        if value < low:
            raise ValidationError(rule.too_low or default_low, code="too_low", params=params)
        if value > high:
            raise ValidationError(rule.too_high or default_high, code="too_high", params=params)

    def __eq__(self, other) -> bool:
        return isinstance(other, Within) and (self.rule, self.typed) == (other.rule, other.typed)

    def __hash__(self) -> int:
        return hash((self.rule, self.typed))


def check(rule: str, value, *, typed: bool = True) -> list[str]:
    """The messages for a value outside the rule (none when it keeps to it): for code that reads values
    outside a form, such as an import."""
    try:
        Within(rule, typed=typed)(value)
    except ValidationError as error:
        return error.messages
    return []


def within(rule: str, value) -> bool:
    """Whether a value (a page's `?week=`, `?day=`) keeps to the rule; None does not."""
    return value is not None and not check(rule, value)


# --- forms -----------------------------------------------------------------------------------------

_INPUT_FORMATS = {"date": "%Y-%m-%d", "datetime-local": "%Y-%m-%dT%H:%M", "month": "%Y-%m"}


def _rule_of(form, name: str, field) -> Within | None:
    validators = list(field.validators)
    model = getattr(getattr(form, "_meta", None), "model", None)
    if model is not None:
        try:
            validators += model._meta.get_field(name).validators
        except FieldDoesNotExist:  # a form field of its own (a ModelForm's `version`)
            pass
    return next((v for v in validators if isinstance(v, Within)), None)


def limit_inputs(form) -> None:
    """Set the `min` and `max` of the form's inputs from their rules (the browser's date picker keeps to them)."""
    for name, field in form.fields.items():
        validator = _rule_of(form, name, field)
        if validator is None:
            continue
        rule = RULES[validator.rule]
        low, high = rule.limits(typed=validator.typed)
        input_type = getattr(field.widget, "input_type", "")
        if rule.kind == "number":
            field.widget.attrs.update(min=str(low), max=str(high))
        elif input_type in _INPUT_FORMATS:
            fmt = _INPUT_FORMATS[input_type]
            if rule.kind == "datetime":
                low, high = timezone.localtime(low), timezone.localtime(high)
            field.widget.attrs.update(min=low.strftime(fmt), max=high.strftime(fmt))
