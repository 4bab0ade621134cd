"""Forms of the visit register, the phone register and the duty roster."""


from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import permissions
from common.bounds import Within, limit_inputs
from common.forms import SubmissionKeyMixin
from followups.grading import grade_choices
from leads.models import CarModel, Channel, Colour, Customer
from leads.phones import normalise_phone
from leads.register_selectors import on_duty_candidates

TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class ConsultantChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


def _phone(value: str) -> str:
    return normalise_phone(value)


def _not_in_future(day):
    if day > timezone.localdate():
        raise ValidationError(_("The register cannot be filled for a future day."))
    return day


class VisitAddForm(SubmissionKeyMixin):
    """Reception's part of the row: arrival, party size, consultant (the rotation suggests one), phone."""

    visit_date = forms.DateField(label=_("Date"), widget=forms.HiddenInput, validators=[Within("record_date", typed=True)])
    arrived_at = forms.TimeField(label=_("Arrival"), widget=TIME_INPUT)
    party_size = forms.IntegerField(label=_("Party size"), initial=1, validators=[Within("party_size", typed=True)])
    consultant = ConsultantChoiceField(label=_("Consultant"), queryset=on_duty_candidates())
    phone = forms.CharField(
        label=_("Phone (optional)"),
        required=False,
        help_text=_("Type the phone to see whether this is a first (F) or repeat (S) visit."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_inputs(self)
        self.fields["phone"].widget.attrs.update(
            {
                "hx-post": reverse_lazy("leads:phone_lookup"),
                "hx-trigger": "input changed delay:400ms, change",
                "hx-target": "#phone-mark",
                "inputmode": "tel",
                "autocomplete": "off",
            }
        )

    def clean_visit_date(self):
        return _not_in_future(self.cleaned_data["visit_date"])

    def clean_phone(self):
        value = self.cleaned_data["phone"].strip()
        return _phone(value) if value else ""


class VisitCompleteForm(forms.Form):
    """The consultant's part of the row; `version` is the row's when the form was opened (a stale form is refused)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    left_at = forms.TimeField(label=_("Left"), widget=TIME_INPUT)
    name = forms.CharField(label=_("Customer name"), max_length=50)
    phone = forms.CharField(label=_("Phone"), max_length=30, widget=forms.TextInput(attrs={"inputmode": "tel"}))
    car_model = forms.ModelChoiceField(label=_("Model"), queryset=CarModel.objects.filter(is_active=True), required=False)
    colour = forms.ModelChoiceField(label=_("Colour"), queryset=Colour.objects.filter(is_active=True), required=False)
    discussion = forms.CharField(label=_("Discussion"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    grade = forms.ChoiceField(label=_("Grade"), initial=Customer.Grade.N)
    channel = forms.ModelChoiceField(label=_("Channel"), queryset=Channel.objects.filter(is_active=True))
    test_drive = forms.BooleanField(label=_("Test drive"), required=False)
    licence_checked = forms.BooleanField(label=_("Driving licence checked"), required=False)

    def __init__(self, *args, arrived_at=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.arrived_at = arrived_at
        self.fields["grade"].choices = grade_choices(include_ordered=False)  # O comes only with an order
        limit_inputs(self)

    def clean_phone(self):
        return _phone(self.cleaned_data["phone"])

    def clean(self):
        cleaned = super().clean()
        arrived = cleaned.get("arrived_at", self.arrived_at)
        left = cleaned.get("left_at")
        if arrived and left and left <= arrived:
            self.add_error("left_at", _("The leave time must be after the arrival time."))
        return cleaned


class VisitEditForm(VisitCompleteForm):
    """A manager may also correct reception's part of the row."""

    arrived_at = forms.TimeField(label=_("Arrival"), widget=TIME_INPUT)
    party_size = forms.IntegerField(label=_("Party size"), validators=[Within("party_size", typed=True)])
    consultant = ConsultantChoiceField(label=_("Consultant"), queryset=on_duty_candidates())

    field_order = ["arrived_at", "party_size", "consultant", "left_at"]


class PhoneCallForm(SubmissionKeyMixin):
    call_date = forms.DateField(label=_("Date"), widget=forms.HiddenInput, validators=[Within("record_date", typed=True)])
    called_at = forms.TimeField(label=_("Time"), widget=TIME_INPUT)
    name = forms.CharField(label=_("Customer name"), max_length=50)
    phone = forms.CharField(label=_("Phone"), max_length=30, widget=forms.TextInput(attrs={"inputmode": "tel"}))
    car_model = forms.ModelChoiceField(label=_("Model"), queryset=CarModel.objects.filter(is_active=True), required=False)
    content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    grade = forms.ChoiceField(label=_("Grade"), initial=Customer.Grade.N)
    channel = forms.ModelChoiceField(label=_("Channel"), queryset=Channel.objects.filter(is_active=True), required=False)
    consultant = ConsultantChoiceField(label=_("Consultant"), queryset=on_duty_candidates())

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grade"].choices = grade_choices(include_ordered=False)  # O comes only with an order
        if user is not None and permissions.works_for_self(user):
            # A consultant logs their own calls.
            del self.fields["consultant"]

    def clean_call_date(self):
        return _not_in_future(self.cleaned_data["call_date"])

    def clean_phone(self):
        return _phone(self.cleaned_data["phone"])


class DutyRosterForm(forms.Form):
    """One order box per consultant: 1, 2, 3 … for those on duty, blank for those off."""

    def __init__(self, *args, consultants, current: dict[int, int], **kwargs):
        super().__init__(*args, **kwargs)
        self.consultants = list(consultants)
        for consultant in self.consultants:
            self.fields[f"pos_{consultant.pk}"] = forms.IntegerField(
                label=str(consultant), required=False, initial=current.get(consultant.pk),
                validators=[Within("duty_position", typed=True)],
            )
        limit_inputs(self)

    def clean(self):
        cleaned = super().clean()
        positions = [value for key, value in cleaned.items() if key.startswith("pos_") and value is not None]
        if len(positions) != len(set(positions)):
            raise ValidationError(_("Two consultants have the same place in the rotation."))
        return cleaned

    def ordered_consultants(self):
        """The consultants on duty, in the order of their numbers."""
        chosen = [
            (self.cleaned_data[f"pos_{consultant.pk}"], consultant)
            for consultant in self.consultants
            if self.cleaned_data.get(f"pos_{consultant.pk}") is not None
        ]
        return [consultant for _position, consultant in sorted(chosen, key=lambda item: item[0])]
