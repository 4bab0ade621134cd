"""The Django admin, for the administrator only: any other user gets 404, like every page they may not open."""

from django.contrib import admin

from accounts import permissions


class AdminSite(admin.AdminSite):
    def admin_view(self, view, cacheable=False):
        return permissions.allowed(permissions.may_use_admin)(super().admin_view(view, cacheable))
