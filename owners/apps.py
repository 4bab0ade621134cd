from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OwnersConfig(AppConfig):
    name = "owners"
    verbose_name = _("Owners")

    def ready(self):
        from followups import services as followups
        from owners.services import care_tasks_create

        if care_tasks_create not in followups.EXTRA_STEPS:
            followups.EXTRA_STEPS.append(care_tasks_create)
