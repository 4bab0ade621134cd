"""The record-level questions of `accounts.permissions` for templates: `{% if user|may_file_defeat_for:customer %}`."""

from django import template

from accounts import permissions

register = template.Library()


@register.filter
def may_file_defeat_for(user, customer) -> bool:
    return permissions.may_file_defeat_for(user, customer)


@register.filter
def may_decide_defeat(user, defeat) -> bool:
    return permissions.may_decide_defeat(user, defeat)
