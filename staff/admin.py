"""The admin of users and teams: here, above accounts, because deactivating a user goes through the handover check."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import Team, User
from accounts.roles import user_set_role
from staff.services import StillAssigned, user_deactivate


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "manager"]
    search_fields = ["name"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "team", "is_active"]
    list_filter = ["role", "team", "is_active"]
    fieldsets = BaseUserAdmin.fieldsets + ((_("Showroom"), {"fields": ("role", "team")}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + ((_("Showroom"), {"fields": ("role", "team")}),)
    actions = ["deactivate", "reactivate"]
    # Deactivation goes through the handover check (the actions below), never a bare checkbox.
    readonly_fields = ["is_active", "last_login", "date_joined"]

    def has_delete_permission(self, request, obj=None):
        # Users are deactivated, never deleted: what they own belongs to the dealership.
        return False

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        user_set_role(user=form.instance, role=form.instance.role)

    @admin.action(description=_("Deactivate selected users (after handing over their customers)"))
    def deactivate(self, request, queryset):
        for user in queryset.filter(is_active=True):
            try:
                user_deactivate(user=user, by=request.user)
            except StillAssigned as refusal:
                self.message_user(request, str(refusal), messages.ERROR)
            else:
                self.message_user(request, _("%(user)s deactivated.") % {"user": user}, messages.SUCCESS)

    @admin.action(description=_("Reactivate selected users"))
    def reactivate(self, request, queryset):
        count = queryset.update(is_active=True)
        self.message_user(request, _("%(count)d users reactivated.") % {"count": count}, messages.SUCCESS)
