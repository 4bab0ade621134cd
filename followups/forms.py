from django import forms
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

from followups.models import GradeRule, HListNote, RuleSet


class RuleSetForm(forms.ModelForm):
    class Meta:
        model = RuleSet
        fields = ["name", "description", "defeat_revisit_days"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["defeat_revisit_days"].validators.append(MinValueValidator(1))
        self.fields["defeat_revisit_days"].widget.attrs["min"] = 1


class GradeRuleForm(forms.ModelForm):
    class Meta:
        model = GradeRule
        fields = ["first_within_days", "times", "per_days"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("times", "per_days"):
            self.fields[name].validators.append(MinValueValidator(1))
            self.fields[name].widget.attrs["min"] = 1
        self.fields["first_within_days"].widget.attrs["min"] = 0


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


class HListNoteForm(forms.ModelForm):
    class Meta:
        model = HListNote
        fields = ["note"]
        widgets = {"note": forms.TextInput(attrs={"placeholder": _("e.g. trade-in valued, order expected Sat")})}
