from django.apps import AppConfig


class StaffConfig(AppConfig):
    """Handing customers over and deactivating users; the user admin. No models of its own."""

    name = "staff"
