from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from followups.models import GradeRule, HListEntry, RuleSet, RunLog, Task


class GradeRuleInline(admin.TabularInline):
    model = GradeRule
    extra = 0


@admin.register(RuleSet)
class RuleSetAdmin(admin.ModelAdmin):
    list_display = ["name", "description", "is_active", "defeat_revisit_days"]
    inlines = [GradeRuleInline]
    # Activation recomputes every open prospect's due date: do it on the rule sets page, not here.
    readonly_fields = ["is_active"]


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["customer", "kind", "due_on", "status", "assignee", "offers_trade_in", "closed_at"]
    list_filter = ["status", "kind", "offers_trade_in"]
    date_hierarchy = "due_on"
    raw_id_fields = ["customer", "assignee", "contact"]
    list_select_related = ["customer", "assignee"]
    search_fields = ["customer__name", "customer__phone"]


@admin.register(RunLog)
class RunLogAdmin(admin.ModelAdmin):
    list_display = ["day", "started_at", "finished_at", "duration_ms", "created", "closed", "marked_overdue", "escalated"]
    date_hierarchy = "day"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(HListEntry)
class HListEntryAdmin(SimpleHistoryAdmin):
    list_display = ["week_start", "customer", "consultant", "grade", "expected_on", "added_by", "added_at"]
    list_filter = ["week_start"]
    raw_id_fields = ["customer", "consultant", "added_by"]
    list_select_related = ["customer", "consultant", "added_by"]
