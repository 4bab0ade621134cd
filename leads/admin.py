"""Admin: the code lists are edited here; customer records are read-mostly (changes go through services)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from leads.models import (
    CarModel, Channel, Colour, Contact, Customer, CustomerChange, Defeat, DefeatReason, NewProspect, Order, PhoneCall, TestDrive,
    Visit,
)


class CodeListAdmin(admin.ModelAdmin):
    """Code lists are kept on the application's pages (leads.views.codelists); an entry in use is never
    deleted, only deactivated."""

    list_display = ["name", "sort_order", "is_active"]
    list_editable = ["sort_order", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name"]

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.register(CarModel, CodeListAdmin)
admin.site.register(Colour, CodeListAdmin)
admin.site.register(DefeatReason, CodeListAdmin)


@admin.register(Channel)
class ChannelAdmin(CodeListAdmin):
    list_display = ["code", "name", "sort_order", "is_active"]
    search_fields = ["code", "name"]


class ReadMostlyAdmin(admin.ModelAdmin):
    """Rows written by the services with their history: the admin may look, not add or delete."""

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]


class CustomerChangeInline(admin.TabularInline):
    model = CustomerChange
    extra = 0
    can_delete = False
    fields = ["changed_at", "changed_by", "field", "old_value", "new_value", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Customer)
class CustomerAdmin(ReadMostlyAdmin):
    list_display = ["name", "phone", "grade", "status", "consultant", "next_followup_on", "card_status", "created_at"]
    list_filter = ["grade", "status", "card_status", "intake", "channel"]
    search_fields = ["name", "phone", "phone2"]
    list_select_related = ["consultant"]
    date_hierarchy = "created_at"
    inlines = [CustomerChangeInline]


@admin.register(Contact)
class ContactAdmin(ReadMostlyAdmin):
    list_display = ["customer", "contacted_at", "method", "grade_after", "next_followup_on", "consultant"]
    list_filter = ["method", "grade_after"]
    search_fields = ["customer__name", "customer__phone", "content"]
    list_select_related = ["customer", "consultant"]
    date_hierarchy = "contacted_at"


@admin.register(Visit)
class VisitAdmin(ReadMostlyAdmin):
    list_display = ["visit_date", "arrived_at", "left_at", "party_size", "visit_mark", "name", "phone", "consultant", "test_drive"]
    list_filter = ["is_first_visit", "test_drive", "channel"]
    search_fields = ["name", "phone"]
    list_select_related = ["consultant"]
    date_hierarchy = "visit_date"


@admin.register(PhoneCall)
class PhoneCallAdmin(ReadMostlyAdmin):
    list_display = ["call_date", "called_at", "name", "phone", "car_model", "grade", "consultant"]
    list_filter = ["grade", "channel"]
    search_fields = ["name", "phone"]
    list_select_related = ["consultant", "car_model"]
    date_hierarchy = "call_date"


@admin.register(Order)
class OrderAdmin(ReadMostlyAdmin):
    list_display = ["customer", "ordered_on", "car_model", "colour", "price", "deposit", "consultant"]
    list_filter = ["car_model"]
    search_fields = ["customer__name", "customer__phone"]
    list_select_related = ["customer", "car_model", "colour", "consultant"]
    date_hierarchy = "ordered_on"


@admin.register(Defeat)
class DefeatAdmin(ReadMostlyAdmin):
    list_display = ["customer", "reason", "brand_bought", "model_bought", "status", "filed_by", "filed_at", "decided_by"]
    list_filter = ["status", "reason"]
    search_fields = ["customer__name", "customer__phone", "brand_bought", "model_bought"]
    list_select_related = ["customer", "reason", "filed_by", "decided_by"]
    date_hierarchy = "filed_at"


@admin.register(TestDrive)
class TestDriveAdmin(SimpleHistoryAdmin):
    list_display = ["driven_at", "customer", "consultant", "car_model", "source", "licence_checked"]
    list_filter = ["source", "licence_checked"]
    list_select_related = ["customer", "consultant", "car_model"]
    raw_id_fields = ["customer", "consultant", "visit", "created_by"]
    date_hierarchy = "driven_at"


@admin.register(NewProspect)
class NewProspectAdmin(admin.ModelAdmin):
    """The stamped events the figures count: read only."""

    list_display = ["became_on", "customer", "consultant", "intake", "channel", "grade", "kind"]
    list_filter = ["kind", "intake"]
    list_select_related = ["customer", "consultant", "channel"]
    date_hierarchy = "became_on"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
