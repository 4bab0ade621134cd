from django import template

from leads.phones import display_phone

register = template.Library()


@register.filter(name="phone")
def phone_filter(digits: str) -> str:
    """The one display form of a stored phone (a builtin: every template may use `|phone`)."""
    return display_phone(digits)
