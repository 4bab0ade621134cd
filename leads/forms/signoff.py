"""Forms of the sign-off queue (签字确认)."""

from django import forms
from django.utils.translation import gettext_lazy as _


class CardReturnForm(forms.Form):
    """Send a card back to its consultant: the comment says what to fix."""

    comment = forms.CharField(
        label=_("What must be fixed"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )

    def clean_comment(self) -> str:
        comment = self.cleaned_data["comment"].strip()
        if not comment:
            raise forms.ValidationError(_("Say what must be fixed."))
        return comment
