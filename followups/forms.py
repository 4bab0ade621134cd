from django import forms
from django.utils.translation import gettext_lazy as _

from common.bounds import Within, limit_inputs
from followups.models import GradeRule, HListNote, RuleSet


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
        fields = ["first_within_days", "times", "per_days"]

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


class HListNoteForm(forms.ModelForm):
    class Meta:
        model = HListNote
        fields = ["note"]
        widgets = {"note": forms.TextInput(attrs={"placeholder": _("e.g. trade-in valued, order expected Sat")})}
