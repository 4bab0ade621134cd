from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Team(models.Model):
    """A showroom manager and the consultants who report to them."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    manager = models.ForeignKey(
        "accounts.User",
        verbose_name=_("showroom manager"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="managed_teams",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self):
        return self.name


class User(AbstractUser):
    """A member of staff. Never deleted: deactivate (is_active=False) so their records stay."""

    class Role(models.TextChoices):
        RECEPTION = "reception", _("Reception")
        CONSULTANT = "consultant", _("Sales consultant")
        SHOWROOM_MANAGER = "showroom_manager", _("Showroom manager")
        SALES_MANAGER = "sales_manager", _("Sales manager")
        ADMINISTRATOR = "administrator", _("Administrator")

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.CONSULTANT)
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        # Chinese order: family name first, no space (王建国).
        return f"{self.last_name}{self.first_name}".strip() or self.username

    @property
    def is_consultant(self) -> bool:
        return self.role == self.Role.CONSULTANT

    @property
    def is_reception(self) -> bool:
        return self.role == self.Role.RECEPTION

    @property
    def is_showroom_manager(self) -> bool:
        return self.role == self.Role.SHOWROOM_MANAGER

    @property
    def sees_whole_dealership(self) -> bool:
        return self.role in (self.Role.SALES_MANAGER, self.Role.ADMINISTRATOR)

    @property
    def is_manager(self) -> bool:
        return self.is_showroom_manager or self.sees_whole_dealership
