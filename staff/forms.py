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
from leads.models import Customer
from staff import services
from staff.selectors import book_group_filter
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


class BookHandoverForm(HandoverForm):
    """Hand over part of a holder's book (the ticked customers, a whole group) or all of it."""

    SELECTED, GROUP, ALL = "selected", "group", "all"
    scope = forms.ChoiceField(
        label=_("Which customers"), widget=forms.RadioSelect, initial=SELECTED,
        choices=[(SELECTED, _("The customers ticked in the list")), (GROUP, _("All customers of this group")),
                 (ALL, _("All their customers"))],
    )
    # Rendered as the list's checkboxes; only the book's own customers are valid choices.
    selected = forms.ModelMultipleChoiceField(queryset=Customer.objects.none(), required=False)

    def __init__(self, *args, user: User, holder: User, customers, group: str = "", **kwargs):
        """`customers`: the holder's customers the user sees; `group`: the group the list shows (a key of
        `staff.selectors.book_group_filter`, or empty)."""
        super().__init__(*args, user=user, exclude=holder, **kwargs)
        self.customers, self.group = customers, group
        self.fields["selected"].queryset = customers

    def clean(self):
        cleaned = super().clean()
        scope = cleaned.get("scope")
        if scope == self.SELECTED and not cleaned.get("selected"):
            raise forms.ValidationError(
                _("Tick at least one customer, or choose a whole group or all their customers."), code="empty")
        if scope == self.GROUP and book_group_filter(self.group) is None:
            raise forms.ValidationError(_("Choose a group of the list first."), code="no_group")
        return cleaned

    def chosen(self) -> list[Customer]:
        """The customers to hand over (after `is_valid()`)."""
        scope = self.cleaned_data["scope"]
        if scope == self.SELECTED:
            return list(self.cleaned_data["selected"].order_by("pk"))
        if scope == self.GROUP:
            return list(self.customers.filter(book_group_filter(self.group)).order_by("pk"))
        return list(self.customers.order_by("pk"))


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
