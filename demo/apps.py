from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo dealership (`manage.py seed_demo`): builders only, no models."""

    name = "demo"
