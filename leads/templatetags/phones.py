from django import template

from leads.phones import display_phone

register = template.Library()


@register.filter(name="phone")
def phone_filter(digits: str) -> str:
    """138 0013 8000 for a stored mobile; landlines as stored."""
    return display_phone(digits)
