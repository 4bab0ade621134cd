"""Forms of the defeat flow (销售促进失控(战败)记录表)."""


from django import forms
from django.utils.translation import gettext_lazy as _

from common.forms import SubmissionKeyMixin
from leads.models import Defeat, DefeatReason


class DefeatForm(SubmissionKeyMixin, forms.ModelForm):
    """The consultant's defeat request."""

    class Meta:
        model = Defeat
        fields = ["reason", "brand_bought", "model_bought", "analysis", "could_have_done"]
        widgets = {
            "analysis": forms.Textarea(attrs={"rows": 4}),
            "could_have_done": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].queryset = DefeatReason.objects.filter(is_active=True)

    def clean_analysis(self) -> str:
        analysis = self.cleaned_data["analysis"].strip()
        if not analysis:
            raise forms.ValidationError(_("Describe why the customer was lost."))
        return analysis

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class DefeatApproveForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class DefeatRejectForm(forms.Form):
    """Rejecting sends the customer back to follow-up: the comment tells the consultant why."""

    comment = forms.CharField(label=_("Why rejected"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_comment(self) -> str:
        comment = self.cleaned_data["comment"].strip()
        if not comment:
            raise forms.ValidationError(_("Tell the consultant why the request is rejected."))
        return comment
