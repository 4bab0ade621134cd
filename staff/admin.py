"""The admin of users and teams: here, above accounts, because deactivating a user and changing their role
or team go through the handover check (`staff.services`)."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import Team, User
from accounts.permissions import may_grant_admin_privileges
from accounts.roles import user_set_role
from staff.forms import UserAdminChangeForm
from staff.services import Refused, user_change_role, user_deactivate

# Privileges only a superuser hands out: the administrator role is not a superuser and may not make one.
PRIVILEGE_FIELDS = ["is_staff", "is_superuser", "groups", "user_permissions"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "manager"]
    search_fields = ["name"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserAdminChangeForm
    list_display = ["username", "first_name", "last_name", "role", "team", "is_active"]
    list_filter = ["role", "team", "is_active"]
    fieldsets = BaseUserAdmin.fieldsets + ((_("Showroom"), {"fields": ("role", "team")}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + ((_("Showroom"), {"fields": ("role", "team")}),)
    actions = ["deactivate", "reactivate"]
    # Deactivation goes through the handover check (the actions below), never a bare checkbox.
    readonly_fields = ["is_active", "last_login", "date_joined"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not may_grant_admin_privileges(request.user):
            fields += PRIVILEGE_FIELDS
        return fields

    def has_change_permission(self, request, obj=None):
        # A superuser's account (its password above all) is changed only by a superuser: no way up.
        if obj is not None and obj.is_superuser and not may_grant_admin_privileges(request.user):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # Users are deactivated, never deleted: what they own belongs to the dealership.
        return False

    def save_model(self, request, obj, form, change):
        if change:
            # The role and team change through the service (in save_related), with its handover check.
            obj.wanted_role, obj.wanted_team = obj.role, obj.team
            saved = User.objects.select_related("team").get(pk=obj.pk)
            obj.role, obj.team = saved.role, saved.team
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        user = form.instance
        if not change or (user.wanted_role, user.wanted_team) == (user.role, user.team):
            user_set_role(user=user, role=user.role)  # keeps the group in step with the role
            return
        try:
            user_change_role(user=user, role=user.wanted_role, team=user.wanted_team, by=request.user)
        except Refused as refusal:  # the form checked it; someone changed what the user holds since
            user_set_role(user=user, role=user.role)
            self.message_user(request, str(refusal), messages.ERROR)

    @admin.action(description=_("Deactivate selected users (after handing over their customers)"))
    def deactivate(self, request, queryset):
        for user in queryset.filter(is_active=True).order_by("pk"):
            try:
                user_deactivate(user=user, by=request.user)
            except Refused as refusal:
                self.message_user(request, str(refusal), messages.ERROR)
            else:
                self.message_user(request, _("%(user)s deactivated.") % {"user": user}, messages.SUCCESS)

    @admin.action(description=_("Reactivate selected users"))
    def reactivate(self, request, queryset):
        count = queryset.update(is_active=True)
        self.message_user(request, _("%(count)d users reactivated.") % {"count": count}, messages.SUCCESS)
