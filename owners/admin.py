from django.contrib import admin

from owners.models import Accessory, CareMilestone, ImportBatch, InsurancePolicy, MaintenanceVisit, Referral, Vehicle


@admin.register(CareMilestone)
class CareMilestoneAdmin(admin.ModelAdmin):
    list_display = ["months", "days", "kind", "purpose", "offers_trade_in", "is_active"]
    list_editable = ["offers_trade_in", "is_active"]


@admin.register(Vehicle)
class VehicleAdmin(admin.ModelAdmin):
    list_display = ["vin", "plate", "customer", "source", "delivered_on"]
    search_fields = ["vin", "plate", "customer__name", "customer__phone"]
    list_filter = ["source"]
    raw_id_fields = ["customer"]
    readonly_fields = ["created_by"]


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    """The log of imports (who uploaded which file, when, what was taken); the rows are not shown."""

    list_display = ["file_name", "created_by", "created_at", "status", "row_count", "taken", "refused", "done_at"]
    list_filter = ["status"]
    fields = list_display + ["expires_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


admin.site.register(InsurancePolicy, raw_id_fields=["vehicle"], list_display=["vehicle", "year", "insurer"])
admin.site.register(MaintenanceVisit, raw_id_fields=["vehicle"], list_display=["vehicle", "planned_on", "done_on"])
admin.site.register(Accessory, raw_id_fields=["customer"], list_display=["customer", "name", "is_gift", "on"])
admin.site.register(Referral, raw_id_fields=["owner", "prospect"], list_display=["owner", "prospect", "referred_on"])
