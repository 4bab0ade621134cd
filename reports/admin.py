from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from reports.models import ImprovementAction, MonthlyTarget, OneToOneNote, ReportExport, SuccessPlan


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


@admin.register(ReportExport)
class ReportExportAdmin(admin.ModelAdmin):
    """The audit trail of downloads: read only."""

    list_display = ("exported_at", "user", "report", "filename", "rows")
    list_filter = ("report",)
    list_select_related = ("user",)
    date_hierarchy = "exported_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ImprovementAction)
class ImprovementActionAdmin(SimpleHistoryAdmin):
    list_display = ["problem", "owner", "team", "due_on", "status"]
    list_filter = ["status", "team"]
    list_select_related = ["owner", "team"]
    raw_id_fields = ["owner", "created_by", "updated_by"]


@admin.register(SuccessPlan)
class SuccessPlanAdmin(SimpleHistoryAdmin):
    list_display = ["consultant", "month", "next_review_on"]
    list_select_related = ["consultant"]
    raw_id_fields = ["consultant", "created_by", "updated_by"]


@admin.register(OneToOneNote)
class OneToOneNoteAdmin(SimpleHistoryAdmin):
    list_display = ["plan", "held_on", "written_by"]
    list_select_related = ["plan__consultant", "written_by"]
    raw_id_fields = ["plan", "written_by"]
