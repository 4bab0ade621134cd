"""The pickers of the reports (day, month, date range, consultant) and the targets grid."""

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from common.bounds import Within, limit_inputs
from reports.models import MonthlyTarget
from reports.periods import month_first
from reports.targets_tables import TARGET_LABELS

# Every picker keeps to the months the data can have (2000 to next year): an answer, not a 500, for 0001-01 or 9999-12.
PERIOD = [Within("report_period", typed=True)]


class MonthField(forms.DateField):
    """A `<input type="month">`: YYYY-MM, cleaned to the first day of the month."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    default_validators = PERIOD

    def __init__(self, **kwargs):
        super().__init__(input_formats=["%Y-%m", "%Y-%m-%d"], **kwargs)

    def clean(self, value):
        cleaned = super().clean(value)
        return month_first(cleaned) if cleaned else cleaned


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PickerForm(forms.Form):
    """A picker: its inputs carry the period's min and max."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_inputs(self)


class DayForm(PickerForm):
    day = forms.DateField(label=_("Day"), widget=_date_input(), validators=PERIOD)


class MonthForm(PickerForm):
    month = MonthField(label=_("Month"))


class RangeForm(PickerForm):
    start = forms.DateField(label=_("From"), widget=_date_input(), validators=PERIOD)
    end = forms.DateField(label=_("To"), widget=_date_input(), validators=PERIOD)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", _("The end date must not be before the start date."))
        if start and end and (end - start).days > 366 * 3:
            self.add_error("end", _("Choose at most three years."))
        return cleaned


class ProgressForm(PickerForm):
    month = MonthField(label=_("Month"))
    consultant = forms.ModelChoiceField(label=_("Consultant"), queryset=User.objects.none(), required=False)

    def __init__(self, *args, consultants, **kwargs):
        super().__init__(*args, **kwargs)
        if consultants is None:
            del self.fields["consultant"]  # a consultant sees their own sheet only
        else:
            self.fields["consultant"].queryset = consultants


def picker(form_class, request, *, initial: dict, **kwargs):
    """The picker bound to the query string, the defaults filling what it does not give.

    Always bound, so the page shows the figures of the defaults and a bad value comes back with its error.
    """
    defaults = {
        name: value.strftime("%Y-%m" if isinstance(form_class.base_fields.get(name), MonthField) else "%Y-%m-%d")
        if isinstance(value, date) else value
        for name, value in initial.items()
    }
    wanted = {name: request.GET[name] for name in form_class.base_fields if name in request.GET}
    return form_class({**defaults, **wanted}, **kwargs)


def default_range() -> dict[str, date]:
    today = timezone.localdate()
    return {"start": today.replace(month=1, day=1), "end": today}


class TargetsForm(forms.Form):
    """One row of five numbers per consultant; fields are named `c<consultant id>_<target>`."""

    def __init__(self, *args, rows: list[tuple[User, MonthlyTarget | None]], **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for consultant, target in rows:
            for name in MonthlyTarget.FIELDS:
                self.fields[self.field_name(consultant, name)] = forms.IntegerField(
                    label=f"{consultant} · {TARGET_LABELS[name]}",
                    required=False,
                    initial=getattr(target, name) if target else None,
                    validators=[Within("target", typed=True)],
                    widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}),
                )
        limit_inputs(self)

    @staticmethod
    def field_name(consultant: User, name: str) -> str:
        return f"c{consultant.pk}_{name}"

    def grid(self) -> list[tuple[User, list[forms.BoundField]]]:
        return [(c, [self[self.field_name(c, name)] for name in MonthlyTarget.FIELDS]) for c, _t in self.rows]

    def targets(self) -> dict[int, dict[str, int]]:
        return {
            c.pk: {name: self.cleaned_data.get(self.field_name(c, name)) or 0 for name in MonthlyTarget.FIELDS}
            for c, _t in self.rows
        }
