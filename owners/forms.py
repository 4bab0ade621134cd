
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts import permissions
from accounts.visibility import consultants_visible_to, holders_visible_to
from common.bounds import Within, limit_inputs
from common.forms import SubmissionKeyMixin
from followups.grading import grade_choices
from leads.models import CarModel, Colour, Customer, DefeatReason
from leads.phones import normalise_phone
from owners.models import Accessory, CareMilestone, InsurancePolicy, MaintenanceVisit, Vehicle
from owners.vin import normalise_vin

DATE = forms.DateInput(attrs={"type": "date"})


class VehicleForm(forms.ModelForm):
    class Meta:
        model = Vehicle
        fields = ["vin", "plate", "car_model", "brand", "model_name", "colour", "registered_on", "delivered_on", "mileage_km"]
        widgets = {"registered_on": DATE, "delivered_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["car_model"].queryset = CarModel.objects.filter(is_active=True)
        self.fields["colour"].queryset = Colour.objects.filter(is_active=True)
        limit_inputs(self)
        self.fields["delivered_on"].widget.attrs["max"] = timezone.localdate().isoformat()

    def clean_vin(self):
        return normalise_vin(self.cleaned_data["vin"])

    def clean(self):
        cleaned = super().clean()
        registered, delivered = cleaned.get("registered_on"), cleaned.get("delivered_on")
        if delivered and delivered > timezone.localdate():
            self.add_error("delivered_on", _("The delivery date cannot be in the future."))
        if registered and delivered and (registered - delivered).days > 60:  # no date arithmetic past 9999
            self.add_error("registered_on", _("The registration date is long after the delivery date."))
        if not cleaned.get("car_model") and not cleaned.get("model_name"):
            self.add_error("car_model", _("Choose a model, or type the model of another brand."))
        return cleaned


class DeliveryForm(SubmissionKeyMixin, VehicleForm):
    class Meta(VehicleForm.Meta):
        fields = ["vin", "plate", "car_model", "colour", "registered_on", "delivered_on", "mileage_km"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["car_model"].required = True
        if not self.is_bound:
            self.initial.setdefault("delivered_on", timezone.localdate())


class OwnerCreateForm(SubmissionKeyMixin):
    """An owner who bought elsewhere: the card's essentials and the car."""

    source = forms.ChoiceField(label=_("Kind of owner"), choices=Vehicle.Source.choices)
    name = forms.CharField(label=_("name"), max_length=50)
    phone = forms.CharField(label=_("phone"), max_length=30)
    gender = forms.ChoiceField(label=_("gender"), choices=[("", "—"), *Customer.Gender.choices], required=False)
    birthday = forms.DateField(label=_("birthday"), required=False, widget=DATE, validators=[Within("birthday", typed=True)])
    region = forms.CharField(label=_("region / district"), max_length=50, required=False)
    consultant = forms.ModelChoiceField(label=_("consultant"), queryset=User.objects.none())

    CUSTOMER_FIELDS = ("name", "phone", "gender", "birthday", "region")

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consultant"].queryset = holders_visible_to(user).filter(is_active=True)
        if permissions.works_for_self(user):
            self.fields["consultant"].initial = user.pk
        limit_inputs(self)

    def clean_phone(self):
        phone = normalise_phone(self.cleaned_data["phone"])
        if Customer.objects.filter(phone=phone).exists():
            raise ValidationError(_("A customer with this phone already exists: open their card instead."))
        return phone

    def customer_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.CUSTOMER_FIELDS if self.cleaned_data.get(name) not in (None,)}


class InsuranceForm(forms.ModelForm):
    class Meta:
        model = InsurancePolicy
        fields = ["vehicle", "year", "insurer", "premium", "starts_on", "ends_on", "insured_here"]
        widgets = {"starts_on": DATE, "ends_on": DATE}

    def __init__(self, *args, customer: Customer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vehicle"].queryset = Vehicle.objects.filter(customer=customer)
        self.fields["year"].initial = timezone.localdate().year
        limit_inputs(self)


class MaintenanceForm(forms.ModelForm):
    class Meta:
        model = MaintenanceVisit
        fields = ["vehicle", "planned_on", "done_on", "mileage_km", "note"]
        widgets = {"planned_on": DATE, "done_on": DATE}

    def __init__(self, *args, customer: Customer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vehicle"].queryset = Vehicle.objects.filter(customer=customer)
        limit_inputs(self)


class AccessoryForm(forms.ModelForm):
    class Meta:
        model = Accessory
        fields = ["name", "is_gift", "price", "on"]
        widgets = {"on": DATE}

    def __init__(self, *args, customer: Customer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()
        limit_inputs(self)


class ReferralForm(forms.Form):
    prospect_phone = forms.CharField(label=_("Phone of the prospect they brought"), max_length=30)
    referred_on = forms.DateField(label=_("referred on"), widget=DATE, validators=[Within("record_date", typed=True)])

    def __init__(self, *args, customer: Customer, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["referred_on"].initial = timezone.localdate()
        limit_inputs(self)

    def clean_prospect_phone(self):
        from leads.selectors import customers_for_user

        phone = normalise_phone(self.cleaned_data["prospect_phone"])
        prospect = customers_for_user(self.user).filter(phone=phone).first()
        if prospect is None:
            raise ValidationError(_("No customer you can see has this phone: create the prospect's card first."))
        self.cleaned_data["prospect"] = prospect
        return phone


class VehicleAddForm(VehicleForm):
    source = forms.ChoiceField(label=_("kind"), choices=Vehicle.Source.choices)

    def __init__(self, *args, customer: Customer, **kwargs):
        super().__init__(*args, **kwargs)


class DefeatedFilterForm(forms.Form):
    reason = forms.ModelChoiceField(label=_("reason"), queryset=DefeatReason.objects.all(), required=False)
    brand = forms.CharField(label=_("brand bought"), max_length=50, required=False)
    consultant = forms.ModelChoiceField(label=_("consultant"), queryset=User.objects.none(), required=False)
    month = forms.DateField(label=_("month of defeat"), required=False, input_formats=["%Y-%m"],
                            widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
                            validators=[Within("report_period", typed=True)])

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consultant"].queryset = consultants_visible_to(user)
        limit_inputs(self)


class OwnerFilterForm(forms.Form):
    q = forms.CharField(label=_("name, phone, plate or VIN"), max_length=50, required=False)
    source = forms.ChoiceField(label=_("kind"), choices=[("", _("All kinds")), *Vehicle.Source.choices], required=False)
    consultant = forms.ModelChoiceField(label=_("consultant"), queryset=User.objects.none(), required=False)
    vip = forms.BooleanField(label=_("VIP only"), required=False)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consultant"].queryset = holders_visible_to(user)


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=_("File (.xlsx or .csv)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise ValidationError(_("Upload an .xlsx or a .csv file."))
        if upload.size > 5 * 1024 * 1024:
            raise ValidationError(_("The file is larger than 5 MB."))
        return upload


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = CareMilestone
        fields = ["months", "days", "kind", "purpose", "offers_trade_in", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            css = "form-check-input" if name in ("offers_trade_in", "is_active") else ("form-select form-select-sm" if name == "kind" else "form-control form-control-sm")
            field.widget.attrs["class"] = css
        limit_inputs(self)


MilestoneFormSet = forms.modelformset_factory(CareMilestone, form=MilestoneForm, extra=1)


class ReopenForm(forms.Form):
    """An owner or a defeated customer opened as a prospect again: why, and the grade (never O)."""

    reason = forms.ChoiceField(label=_("Why a prospect again"), choices=[])
    grade = forms.ChoiceField(label=_("Grade"))

    def __init__(self, *args, **kwargs):
        from owners.services import REOPEN_REASONS

        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = list(REOPEN_REASONS.items())
        self.fields["grade"].choices = grade_choices(include_ordered=False)
