"""Forms of the customer card: create, edit, log a contact, regrade, record an order."""

from django import forms
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from accounts import permissions
from accounts.models import User
from accounts.visibility import holders_visible_to
from common.bounds import Within, limit_inputs
from common.forms import SubmissionKeyMixin
from followups.grading import grade_choices
from leads.models import CarModel, Channel, Colour, Contact, Customer, Order, TestDrive
from leads.phones import normalise_phone
from leads.selectors import customers_for_user

# The info card (客户信息卡) fields a consultant fills and edits; grade, consultant and status
# change only through their own services (history rows).
INFO_FIELDS = [
    "name", "phone", "phone2", "gender", "region", "address", "occupation", "birthday",
    "best_contact_time", "interests", "decision_maker",
    "car_model", "colour", "trim", "budget", "payment", "loan_bank", "loan_term_months",
    "loan_monthly_payment", "trade_in", "competitor_models", "channel", "intake",
]

DUPLICATE_NEUTRAL = _("This phone number already belongs to a customer of the dealership; ask your manager.")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


def _active_or_current(model, current_id):
    condition = Q(is_active=True)
    if current_id:
        condition |= Q(pk=current_id)
    return model.objects.filter(condition)


class CustomerFormMixin:
    """Phone normalised and unique, with a link to the existing card only for those who may see it."""

    user: User

    def _limit_code_lists(self):
        instance = self.instance
        self.fields["car_model"].queryset = _active_or_current(CarModel, instance.car_model_id)
        self.fields["colour"].queryset = _active_or_current(Colour, instance.colour_id)
        self.fields["channel"].queryset = _active_or_current(Channel, instance.channel_id)

    def clean_phone(self):
        phone = normalise_phone(self.cleaned_data["phone"])
        existing = Customer.objects.filter(phone=phone).exclude(pk=self.instance.pk).only("pk", "name").first()
        if existing is not None:
            if customers_for_user(self.user).filter(pk=existing.pk).exists():
                raise forms.ValidationError(
                    format_html(
                        '{} <a href="{}">{}</a>',
                        _("This phone number already belongs to"),
                        reverse("leads:customer_detail", args=[existing.pk]),
                        existing.name,
                    ),
                    code="duplicate_phone",
                )
            raise forms.ValidationError(DUPLICATE_NEUTRAL, code="duplicate_phone")
        return phone

    def clean_phone2(self):
        raw = self.cleaned_data.get("phone2", "")
        return normalise_phone(raw) if raw.strip() else ""

    def validate_unique(self):
        """The phone is checked in clean_phone with a better message; the database constraint backs it."""


class CustomerCreateForm(SubmissionKeyMixin, CustomerFormMixin, forms.ModelForm):
    class Meta:
        model = Customer
        fields = ["name", "phone", "consultant", "grade", *INFO_FIELDS[2:]]
        widgets = {"birthday": DateInput}

    def __init__(self, *args, user: User, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self._limit_code_lists()
        limit_inputs(self)
        self.fields["grade"].help_text = _("See the grading criteria.")
        self.fields["grade"].choices = grade_choices(include_ordered=False)
        if permissions.may_filter_by_consultant(user):
            self.fields["consultant"].queryset = holders_visible_to(user).filter(is_active=True)
        else:
            del self.fields["consultant"]

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in [*INFO_FIELDS, "grade"]}

    def chosen_consultant(self) -> User:
        return self.cleaned_data.get("consultant") or self.user


class CustomerEditForm(CustomerFormMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Customer
        fields = INFO_FIELDS
        widgets = {"birthday": DateInput}

    def __init__(self, *args, user: User, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["version"] = self.instance.version
        self._limit_code_lists()
        limit_inputs(self)

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in INFO_FIELDS}


class ContactForm(SubmissionKeyMixin):
    method = forms.ChoiceField(label=capfirst(_("method")), choices=Contact.Method.choices)
    contacted_at = forms.DateTimeField(
        label=capfirst(_("contacted at")), widget=DateTimeInput, validators=[Within("contact_time", typed=True)]
    )
    content = forms.CharField(label=capfirst(_("content")), widget=forms.Textarea(attrs={"rows": 3}))
    result = forms.CharField(label=capfirst(_("result")), max_length=200, required=False)
    grade_after = forms.ChoiceField(label=capfirst(_("grade after")))
    next_followup_on = forms.DateField(
        label=capfirst(_("next follow-up")), required=False, widget=DateInput,
        validators=[Within("followup_date", typed=True)],
        help_text=_(
            "Leave empty to follow the grade's rule. An earlier date brings the follow-up forward; a later one "
            "postpones it past the rule with the reason below (at most a year ahead) and is shown to the showroom manager."
        ),
    )
    next_followup_reason = forms.CharField(
        label=capfirst(_("reason for next follow-up")), max_length=200,
        error_messages={"required": _("Give the reason for the next follow-up (what it is for, or why it is postponed).")},
    )
    appointment_at = forms.DateTimeField(
        label=capfirst(_("agreed appointment")), required=False, widget=DateTimeInput,
        validators=[Within("appointment_time", typed=True)],
        help_text=_("A time agreed with the customer takes priority over the rule's date."),
    )

    def __init__(self, *args, customer: Customer, **kwargs):
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("contacted_at", timezone.localtime().replace(second=0, microsecond=0))
        initial.setdefault("grade_after", customer.grade)
        initial.setdefault("method", Contact.Method.PHONE)
        super().__init__(*args, **kwargs)
        grade = self.fields["grade_after"]
        if customer.may_regrade:
            grade.choices = grade_choices(include_ordered=False)
        else:  # an ordered, delivered or defeated card keeps its grade (docs/domain.md, "Grades")
            grade.choices = [choice for choice in grade_choices() if choice[0] == customer.grade]
            grade.disabled = True
            grade.help_text = _("Only an active prospect's grade changes with a contact.")
        limit_inputs(self)

    def clean_next_followup_on(self):
        value = self.cleaned_data["next_followup_on"]
        if value is not None and value < timezone.localdate():
            raise forms.ValidationError(_("The next follow-up cannot be in the past."))
        return value


class RegradeForm(forms.Form):
    """The grades a consultant gives by hand: O comes only with an order (docs/domain.md, "Grades")."""

    grade = forms.ChoiceField(label=capfirst(_("grade")))
    note = forms.CharField(label=capfirst(_("note")), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grade"].choices = grade_choices(include_ordered=False)


class OrderForm(SubmissionKeyMixin, forms.ModelForm):

    class Meta:
        model = Order
        fields = ["ordered_on", "car_model", "colour", "price", "deposit"]
        widgets = {"ordered_on": DateInput}

    def __init__(self, *args, customer: Customer, **kwargs):
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("ordered_on", timezone.localdate())
        initial.setdefault("car_model", customer.car_model_id)
        initial.setdefault("colour", customer.colour_id)
        super().__init__(*args, **kwargs)
        self.fields["car_model"].queryset = _active_or_current(CarModel, customer.car_model_id)
        self.fields["colour"].queryset = _active_or_current(Colour, customer.colour_id)
        limit_inputs(self)
        self.fields["ordered_on"].widget.attrs["max"] = timezone.localdate().isoformat()

    def clean_ordered_on(self):
        value = self.cleaned_data["ordered_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("An order date cannot be in the future."))
        return value

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class TestDriveForm(SubmissionKeyMixin, forms.ModelForm):
    """A test drive by appointment or at a home visit (a walk-in's is ticked on the visit register)."""

    class Meta:
        model = TestDrive
        fields = ["driven_at", "source", "car_model", "licence_checked"]
        widgets = {"driven_at": DateTimeInput}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("driven_at", timezone.localtime().replace(second=0, microsecond=0))
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [
            choice for choice in TestDrive.Source.choices if choice[0] != TestDrive.Source.WALK_IN
        ]
        self.fields["car_model"].queryset = CarModel.objects.filter(is_active=True)
        self.fields["car_model"].required = True
        limit_inputs(self)

    def clean_driven_at(self):
        value = self.cleaned_data["driven_at"]
        if value > timezone.now():
            raise forms.ValidationError(_("A test drive is recorded once it has taken place."))
        return value
