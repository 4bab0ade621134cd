"""Forms of the sign-off queue (签字确认)."""

from datetime import date

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.visibility import holders_visible_to
from common.bounds import Within, limit_inputs


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


class SignoffFilterForm(forms.Form):
    """The queue's filters: whose cards, and the day they were created (both optional)."""

    consultant = forms.ModelChoiceField(label=_("Consultant"), queryset=User.objects.none(), required=False, empty_label=_("Everyone"))
    day = forms.DateField(
        label=_("Created on"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
        validators=[Within("record_date", typed=True)],
    )

    def __init__(self, user: User, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consultant"].queryset = holders_visible_to(user).order_by("first_name", "username")
        limit_inputs(self)
        for name, field in self.fields.items():
            css = "form-select form-select-sm" if name == "consultant" else "form-control form-control-sm"
            field.widget.attrs["class"] = css + (" is-invalid" if self.is_bound and name in self.errors else "")

    def selection(self) -> dict:
        """What the selector narrows by: nothing for a filter left empty or typed wrong (its error shows)."""
        if not self.is_bound or not self.is_valid():
            return {}
        data: dict[str, User | date] = {}
        if self.cleaned_data["consultant"] is not None:
            data["consultant"] = self.cleaned_data["consultant"]
        if self.cleaned_data["day"] is not None:
            data["day"] = self.cleaned_data["day"]
        return data


class CardsSignForm(forms.Form):
    """Sign several cards at once: the ticked rows of the queue. A card the user may not see is refused."""

    cards = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        error_messages={
            "required": _("Tick the cards to sign."),
            "invalid_choice": _("One of the ticked cards is not one you may sign: nothing was signed."),
            "invalid_pk_value": _("One of the ticked cards is not one you may sign: nothing was signed."),
        },
    )
    confirm = forms.BooleanField(required=False)

    def __init__(self, cards: QuerySet, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cards"].queryset = cards
