from django import forms
from django.contrib.auth.forms import UserChangeForm
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.permissions import HOLDER_ROLES
from accounts.visibility import holders_visible_to
from staff import services
from staff.services import handover_reasons


class HolderChoiceField(forms.ModelMultipleChoiceField):
    """People who may take customers; a manager is named with the role, the one a handover is usually not for."""

    def label_from_instance(self, user: User) -> str:
        return str(user) if user.is_consultant else f"{user} · {user.get_role_display()}"


class HandoverForm(forms.Form):
    to = HolderChoiceField(
        label=_("Hand over to"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple,
        help_text=_("Several people: the customers are spread evenly over them. A manager may hold customers "
                    "(key customers, or a leaver's until a new consultant takes them)."),
    )
    reason = forms.ChoiceField(label=_("reason"), choices=())
    note = forms.CharField(label=_("note"), max_length=200, required=False)

    def __init__(self, *args, user: User, exclude: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        targets = holders_visible_to(user).filter(is_active=True).order_by("role", "username")
        if exclude is not None:
            targets = targets.exclude(pk=exclude.pk)
        self.fields["to"].queryset = targets
        self.fields["reason"].choices = handover_reasons()


class UserAdminChangeForm(UserChangeForm):
    """The admin's user form: a role or team change that would orphan customers or tasks is refused here,
    beside the fields, with the way to the handover page (the service checks again when saving)."""

    def clean(self):
        cleaned = super().clean()
        user = self.instance  # still as saved: the form's values reach it only after clean()
        if user.pk is None or not ({"role", "team"} & set(self.fields)):
            return cleaned
        role, team = cleaned.get("role", user.role), cleaned.get("team", user.team)
        if role == user.role and (team.pk if team else None) == user.team_id:
            return cleaned
        try:
            services.role_change_check(user=user, role=role, team=team)
        except services.StillAssigned as refusal:
            if user.role not in HOLDER_ROLES:
                raise forms.ValidationError(str(refusal))
            url = reverse("staff:handover") + "?" + urlencode({"from_user": user.pk})
            raise forms.ValidationError(
                format_html('{} <a href="{}">{}</a>', str(refusal), url, gettext("Hand over their customers"))
            )
        except services.Refused as refusal:
            raise forms.ValidationError(str(refusal))
        return cleaned
