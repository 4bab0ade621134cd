"""The customer list's search and filters; applied to a queryset already scoped to the user."""

import django_filters
from django import forms
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import permissions
from accounts.models import User
from accounts.visibility import holders_visible_to
from leads.models import Channel, Customer
from leads.phones import search_digits

MIN_PHONE_DIGITS = 3


def search_condition(text: str) -> Q:
    """Name contains the text, or a phone contains its digits (typed with spaces or dashes still match)."""
    text = text.strip()
    condition = Q(name__icontains=text)
    digits = search_digits(text)
    if len(digits) >= MIN_PHONE_DIGITS:
        condition |= Q(phone__contains=digits) | Q(phone2__contains=digits)
    return condition


# The list's sortable columns: `?sort=<key>` or `?sort=-<key>`; anything else keeps the default order
# (newest first). Each key orders by these expressions, then by id so that pages never overlap.
GRADE_RANK = Case(*(When(grade=grade, then=Value(rank)) for rank, grade in enumerate(Customer.Grade.values)))
SORTS = {
    "name": [F("name")],
    "grade": [GRADE_RANK],  # O, H, A … N: the hottest first, not alphabetical
    "next_followup": [F("next_followup_on")],
    "last_contact": [F("last_contact_on")],
    "created": [F("created_at")],
    "consultant": [F("consultant__last_name"), F("consultant__first_name"), F("consultant__username")],
}
MANAGER_SORTS = {"consultant"}


class CustomerOrdering(django_filters.OrderingFilter):
    """OrderingFilter over `SORTS`, one key at a time; an empty date sorts last whichever the direction."""

    def filter(self, qs, value):
        params = [param for param in (value or []) if param]
        if not params:
            return qs
        param = params[0]
        descending = param.startswith("-")
        expressions = SORTS[param.removeprefix("-")]
        ordering = [e.desc(nulls_last=True) if descending else e.asc(nulls_last=True) for e in expressions]
        return qs.order_by(*ordering, "-pk" if descending else "pk")


class CustomerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name or phone"), method="filter_search")
    grade = django_filters.ChoiceFilter(label=_("grade"), choices=Customer.Grade.choices, empty_label=_("All"))
    status = django_filters.ChoiceFilter(label=_("status"), choices=Customer.Status.choices, empty_label=_("All"))
    channel = django_filters.ModelChoiceFilter(label=_("source channel"), queryset=Channel.objects.all(), empty_label=_("All"))
    consultant = django_filters.ModelChoiceFilter(label=_("consultant"), queryset=User.objects.none(), empty_label=_("All"))
    overdue = django_filters.BooleanFilter(label=_("Overdue only"), method="filter_overdue", widget=forms.CheckboxInput)
    sort = CustomerOrdering(fields=[(key, key) for key in SORTS], widget=forms.HiddenInput)

    class Meta:
        model = Customer
        fields = ["q", "grade", "status", "channel", "consultant", "overdue", "sort"]

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        if permissions.may_filter_by_consultant(user):
            self.filters["consultant"].queryset = holders_visible_to(user)
        else:
            del self.filters["consultant"]
            choices = [(key, label) for key, label in self.filters["sort"].extra["choices"] if key.removeprefix("-") not in MANAGER_SORTS]
            self.filters["sort"].extra["choices"] = choices
        for name, field in self.form.fields.items():
            if isinstance(field.widget, forms.HiddenInput):
                continue
            if isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs["class"] = "form-check-input"
            elif isinstance(field.widget, forms.Select):
                field.widget.attrs["class"] = "form-select form-select-sm"
            else:
                field.widget.attrs.update({"class": "form-control form-control-sm", "type": "search"})

    @property
    def current_sort(self) -> str:
        """The valid `?sort=` in force ("" for the default order)."""
        if not self.is_bound or "sort" in self.form.errors:  # errors: the form cleaned (a bad filter elsewhere ignored)
            return ""
        value = self.form.cleaned_data.get("sort")
        return value[0] if value else ""

    def filter_search(self, queryset, name, value):
        if not value.strip():
            return queryset
        # The matches first, as a subquery (trigram indexes, leads/migrations/0003), then the list's order:
        # filtered directly, PostgreSQL walks the newest-first index testing every card (see BENCHMARKS.md).
        return queryset.filter(pk__in=Customer.objects.filter(search_condition(value)).values("pk"))

    def filter_overdue(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(next_followup_on__lt=timezone.localdate(), status__in=Customer.OPEN_STATUSES)
