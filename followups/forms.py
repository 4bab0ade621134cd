from datetime import date, timedelta

from django import forms
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from common.bounds import Within, limit_inputs
from followups import rules
from followups.models import GradeRule, RuleSet
from followups.services import RETRY_AHEAD_DAYS
from leads.forms.customers import DateInput, DateTimeInput
from leads.models import Contact, Customer
from leads.phones import display_phone


class RuleSetForm(forms.ModelForm):
    class Meta:
        model = RuleSet
        fields = ["name", "description", "defeat_revisit_days"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["defeat_revisit_days"].validators.append(Within("cadence_days", typed=True))
        limit_inputs(self)


class GradeRuleForm(forms.ModelForm):
    class Meta:
        model = GradeRule
        fields = ["first_within_days", "times", "per_days", "expected_purchase", "criteria"]
        widgets = {"criteria": forms.Textarea(attrs={"rows": 3})}

    # The rule data's bounds: a huge interval would push due dates past what the date arithmetic holds.
    RULES = {"first_within_days": "first_within_days", "times": "cadence_times", "per_days": "cadence_days"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, rule in self.RULES.items():
            self.fields[name].validators.append(Within(rule, typed=True))
        limit_inputs(self)


GradeRuleFormSet = forms.inlineformset_factory(
    RuleSet, GradeRule, form=GradeRuleForm, extra=0, can_delete=False, min_num=0
)


class RuleSetCopyForm(forms.Form):
    name = forms.CharField(label=_("name of the copy"), max_length=50)

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if RuleSet.objects.filter(name=name).exists():
            raise forms.ValidationError(_("A rule set with this name already exists."))
        return name


class HListCustomerField(forms.ModelChoiceField):
    def label_from_instance(self, customer):
        return f"{customer.name} · {customer.grade} · {display_phone(customer.phone)}"


class HListEntryForm(forms.Form):
    """Put a customer on a week's H-grade list, or (`entry` given) change an entry: the expected signing
    day, the reason (required for an A prospect) and, for a manager, the note. The rules themselves are
    `followups.services.h_list_entry_*`'s; their refusals come back as errors of these fields."""

    week = forms.DateField(widget=forms.HiddenInput, validators=[Within("report_period", typed=True)])
    customer = HListCustomerField(label=capfirst(_("customer")), queryset=Customer.objects.none())
    expected_on = forms.DateField(label=capfirst(_("expected signing day")), widget=DateInput)
    reason = forms.CharField(
        label=capfirst(_("why this week")), max_length=200, required=False,
        help_text=_("Required for an A-grade prospect: why they are expected to sign this week."),
    )
    note = forms.CharField(label=capfirst(_("manager's note")), max_length=300, required=False)

    def __init__(self, *args, week_start: date, may_annotate: bool, visible=None, candidates=(), entry=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["week"].initial = week_start
        first, last = rules.h_list_expected_range(week_start)
        self.fields["expected_on"].widget.attrs.update(min=max(first, timezone.localdate()).isoformat(), max=last.isoformat())
        if entry is not None:
            del self.fields["customer"], self.fields["week"]
        else:
            # Any customer the user sees validates (the service says why one may not be put on);
            # the options are the candidates, and the one sent if it is not among them.
            customer = self.fields["customer"]
            customer.queryset = visible
            options = list(candidates)
            sent = self.data.get(self.add_prefix("customer")) if self.is_bound else None
            if sent and str(sent).isdigit() and all(str(c.pk) != str(sent) for c in options):
                options += list(visible.filter(pk=int(sent)))
            customer.choices = [("", "---------"), *((c.pk, customer.label_from_instance(c)) for c in options)]
        if may_annotate:
            self.fields["note"].widget.attrs["placeholder"] = _("e.g. trade-in valued, order expected Sat")
        else:
            del self.fields["note"]


class TaskWorkForm(forms.Form):
    """Working a calendar task: the contact that closes it (the grade stays, no next follow-up)."""

    method = forms.ChoiceField(label=capfirst(_("method")), choices=Contact.Method.choices)
    contacted_at = forms.DateTimeField(
        label=capfirst(_("contacted at")), widget=DateTimeInput, validators=[Within("contact_time", typed=True)]
    )
    content = forms.CharField(label=capfirst(_("content")), widget=forms.Textarea(attrs={"rows": 3}))
    result = forms.CharField(label=capfirst(_("result")), max_length=200, required=False)

    def __init__(self, *args, task, **kwargs):
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("method", Contact.Method.PHONE)
        initial.setdefault("contacted_at", timezone.localtime().replace(second=0, microsecond=0))
        initial.setdefault("content", task.reason or task.get_kind_display())
        super().__init__(*args, **kwargs)
        limit_inputs(self)


class TaskRetryForm(forms.Form):
    """Not reached: try again on a day from today to a year ahead."""

    on = forms.DateField(label=capfirst(_("try again on")), widget=DateInput)
    reason = forms.CharField(label=capfirst(_("why not reached")), max_length=100, required=False)

    def __init__(self, *args, **kwargs):
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("on", timezone.localdate() + timedelta(days=1))
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["on"].widget.attrs.update(
            min=today.isoformat(), max=(today + timedelta(days=RETRY_AHEAD_DAYS)).isoformat()
        )

    def clean_on(self):
        on = self.cleaned_data["on"]
        today = timezone.localdate()
        if not today <= on <= today + timedelta(days=RETRY_AHEAD_DAYS):
            raise forms.ValidationError(_("Try again today or on a later day, at most a year ahead."))
        return on
