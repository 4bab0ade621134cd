"""The order cancellation form (退订): why, whether the deposit went back, and the grade the customer has now."""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from followups.grading import grade_choices
from leads.services import CANCEL_GRADES


class OrderCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for cancelling"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    deposit_refunded = forms.BooleanField(label=_("Deposit refunded"), required=False)
    grade = forms.ChoiceField(
        label=capfirst(_("grade")),
        help_text=_("The customer is a prospect again: the grade they have now decides the follow-up."),
    )

    def __init__(self, *args, needs_grade: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grade"].choices = [choice for choice in grade_choices() if choice[0] in CANCEL_GRADES]
        if not needs_grade:
            # Another order stays open: the customer stays ordered (grade O).
            del self.fields["grade"]

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Give the reason the order is cancelled."))
        return reason
