"""The customer list's search and filters; applied to a queryset already scoped to the user."""

import django_filters
from django import forms
from django.db.models import Q
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


class CustomerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name or phone"), method="filter_search")
    grade = django_filters.ChoiceFilter(label=_("grade"), choices=Customer.Grade.choices, empty_label=_("All"))
    status = django_filters.ChoiceFilter(label=_("status"), choices=Customer.Status.choices, empty_label=_("All"))
    channel = django_filters.ModelChoiceFilter(label=_("source channel"), queryset=Channel.objects.all(), empty_label=_("All"))
    consultant = django_filters.ModelChoiceFilter(label=_("consultant"), queryset=User.objects.none(), empty_label=_("All"))
    overdue = django_filters.BooleanFilter(label=_("Overdue only"), method="filter_overdue", widget=forms.CheckboxInput)

    class Meta:
        model = Customer
        fields = ["q", "grade", "status", "channel", "consultant", "overdue"]

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        if permissions.may_filter_by_consultant(user):
            self.filters["consultant"].queryset = holders_visible_to(user)
        else:
            del self.filters["consultant"]
        for name, field in self.form.fields.items():
            if isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs["class"] = "form-check-input"
            elif isinstance(field.widget, forms.Select):
                field.widget.attrs["class"] = "form-select form-select-sm"
            else:
                field.widget.attrs.update({"class": "form-control form-control-sm", "type": "search"})

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
