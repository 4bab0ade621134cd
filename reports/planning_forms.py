"""Forms of the weekly management loop: an improvement action, a success plan, a one-to-one note, and
the filters of their lists. Pickers offer only the people and teams the user may see (`reports.planning`)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from common.bounds import Within, limit_inputs
from common.forms import SubmissionKeyMixin
from reports.forms import MonthField
from reports.models import ImprovementAction, OneToOneNote, SuccessPlan
from reports.planning import action_owner_choices, action_team_choices, plan_consultant_choices


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user: User) -> str:
        return f"{user} · {user.team}" if user.team_id else str(user)


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _with_current(choices, current_id):
    """A picker's users, plus the one the row already has (moved or deactivated since)."""
    return (choices | User.objects.filter(pk=current_id)).distinct() if current_id else choices


class ImprovementActionForm(SubmissionKeyMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = ImprovementAction
        fields = ["problem", "measure", "owner", "due_on", "team", "status", "result"]
        field_classes = {"owner": PersonChoiceField}
        widgets = {
            "problem": forms.Textarea(attrs={"rows": 3}),
            "measure": forms.Textarea(attrs={"rows": 3}),
            "result": forms.Textarea(attrs={"rows": 2}),
            "due_on": _date_input(),
        }

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        editing = self.instance.pk is not None
        self.fields["owner"].queryset = _with_current(action_owner_choices(user), self.instance.owner_id if editing else None)
        self.fields["team"].queryset = action_team_choices(user)
        self.fields["team"].empty_label = _("Whole dealership")
        self.fields["due_on"].validators.append(Within("plan_date", typed=True))
        if editing:
            self.initial["version"] = self.instance.version
        else:
            del self.fields["status"], self.fields["result"]  # a new action is open
            if user.is_showroom_manager and user.team_id:
                self.initial.setdefault("team", user.team_id)
        limit_inputs(self)

    def clean(self):
        cleaned = super().clean()
        owner, team = cleaned.get("owner"), cleaned.get("team")
        if owner and team and owner.team_id != team.pk and not owner.sees_whole_dealership:
            self.add_error("owner", _("The person responsible is not in the action's team."))
        status = cleaned.get("status")
        if status and status != ImprovementAction.Status.OPEN and not (cleaned.get("result") or "").strip():
            self.add_error("result", _("Say what came of the action when it is done or dropped."))
        if self.instance.pk is not None and cleaned.get("version") is None:
            raise forms.ValidationError(_("The form is incomplete: open the action again."))
        return cleaned

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.cleaned_data}


class ImprovementFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All")), *ImprovementAction.Status.choices])
    owner = PersonChoiceField(label=_("Person responsible"), required=False, queryset=User.objects.none(), empty_label=_("Everyone"))

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = action_owner_choices(user)


class SuccessPlanForm(SubmissionKeyMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    month = MonthField(label=_("Month"))

    class Meta:
        model = SuccessPlan
        fields = ["consultant", "month", "goals", "actions", "next_review_on"]
        field_classes = {"consultant": PersonChoiceField}
        widgets = {
            "goals": forms.Textarea(attrs={"rows": 4}),
            "actions": forms.Textarea(attrs={"rows": 4}),
            "next_review_on": _date_input(),
        }

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        editing = self.instance.pk is not None
        self.fields["consultant"].queryset = _with_current(
            plan_consultant_choices(user), self.instance.consultant_id if editing else None
        )
        self.fields["next_review_on"].validators.append(Within("plan_date", typed=True))
        if editing:
            self.initial["version"] = self.instance.version
        limit_inputs(self)

    def clean(self):
        cleaned = super().clean()
        consultant, month = cleaned.get("consultant"), cleaned.get("month")
        if consultant and month:
            others = SuccessPlan.objects.filter(consultant=consultant, month=month).exclude(pk=self.instance.pk)
            if others.exists():
                self.add_error("month", _("This consultant already has a plan for this month."))
        if self.instance.pk is not None and cleaned.get("version") is None:
            raise forms.ValidationError(_("The form is incomplete: open the plan again."))
        return cleaned

    def validate_unique(self):
        pass  # the month's plan is checked in `clean`, with a message that says so

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.cleaned_data}


class OneToOneNoteForm(SubmissionKeyMixin, forms.ModelForm):
    class Meta:
        model = OneToOneNote
        fields = ["held_on", "notes", "next_steps"]
        widgets = {
            "held_on": _date_input(),
            "notes": forms.Textarea(attrs={"rows": 4}),
            "next_steps": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["held_on"].validators.append(Within("record_date", typed=True))
        limit_inputs(self)


class PlanFilterForm(forms.Form):
    consultant = PersonChoiceField(label=_("Consultant"), required=False, queryset=User.objects.none(), empty_label=_("Everyone"))
    month = MonthField(label=_("Month"), required=False)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consultant"].queryset = plan_consultant_choices(user)
        limit_inputs(self)
