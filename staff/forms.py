from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.visibility import consultants_visible_to
from staff.services import handover_reasons


class HandoverForm(forms.Form):
    to = forms.ModelMultipleChoiceField(
        label=_("Hand over to"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple,
        help_text=_("Several consultants: the customers are spread evenly over them."),
    )
    reason = forms.ChoiceField(label=_("reason"), choices=())
    note = forms.CharField(label=_("note"), max_length=200, required=False)

    def __init__(self, *args, user: User, exclude: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        targets = consultants_visible_to(user).filter(is_active=True)
        if exclude is not None:
            targets = targets.exclude(pk=exclude.pk)
        self.fields["to"].queryset = targets
        self.fields["reason"].choices = handover_reasons()
