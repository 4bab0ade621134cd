from django.contrib import admin

from reports.models import MonthlyTarget


@admin.register(MonthlyTarget)
class MonthlyTargetAdmin(admin.ModelAdmin):
    list_display = ("month", "consultant", "contacts", "prospecting", "return_visits", "test_drives", "sales")
    list_filter = ("month",)
    list_select_related = ("consultant",)
    raw_id_fields = ("consultant",)
    readonly_fields = ("updated_by", "updated_at")

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
