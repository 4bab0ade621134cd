"""Report pages: pick a period, read one selector, render it or hand its sheets to the `.xlsx` writer.

Who may open a report is `accounts.permissions`' business (`@allowed`); which rows they see is the
selectors' (`accounts.visibility`).
"""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts import permissions
from accounts.models import User
from accounts.permissions import allowed
from accounts.visibility import consultants_visible_to
from reports import (
    board_tables, channels_tables, daily_tables, defeats_tables, meeting_tables, progress_tables, targets_tables,
    weekly_tables,
)
from followups.selectors import morning_meeting
from reports.board import performance_board
from reports.channels import channel_report
from reports.daily import daily_activity
from reports.defeats import defeat_analysis
from reports.forms import DayForm, MonthForm, ProgressForm, RangeForm, TargetsForm, default_range, picker
from reports.grouping import CONSULTANT_ORDER
from reports.periods import month_first, previous_month
from reports.progress import PRINT_MAX_ROWS, progress_prospects, progress_sheet
from reports.models import ReportExport
from reports.services import export_record, monthly_targets_copy, monthly_targets_save
from reports.targets import targets_for_month
from reports.weekly import actual_vs_target, current_vs_history
from reports.xlsx import xlsx_response

def _xlsx_wanted(request) -> bool:
    return request.GET.get("format") == "xlsx"


def export_xlsx(request, *, name: str, sheets):
    """A report file, for managers only (404 for others: consultants print), recorded with its filters."""
    permissions.require(permissions.may_export_reports(request.user))
    params = request.GET.copy()
    params.pop("format", None)
    export_record(
        user=request.user, report=request.resolver_match.url_name, filename=f"{name}.xlsx",
        filters=params.urlencode(), rows=sum(len(rows) for _title, _headers, rows in sheets),
    )
    return xlsx_response(filename=name, sheets=sheets)


@allowed(permissions.may_read_reports)
@require_GET
def daily(request):
    form = picker(DayForm, request, initial={"day": timezone.localdate()})
    report = daily_activity(user=request.user, day=form.cleaned_data["day"]) if form.is_valid() else None
    if report and _xlsx_wanted(request):
        return export_xlsx(request, name=f"daily-activity-{report.day:%Y%m%d}", sheets=daily_tables.sheets(report))
    context = {"form": form, "report": report, "table": daily_tables.table(report) if report else None}
    return render(request, "reports/daily_report.html", context)


def _consultant_for(request) -> User:
    """The consultant whose progress sheet to show: `?consultant=` among those the user may see (a
    consultant: only themselves), else the first active one of them; 404 otherwise."""
    consultants = consultants_visible_to(request.user).order_by(*CONSULTANT_ORDER)
    raw = request.GET.get("consultant")
    if raw:
        if not raw.isdigit():
            raise Http404
        return get_object_or_404(consultants, pk=int(raw))
    first = consultants.filter(is_active=True).first()
    if first is None:
        raise Http404
    return first


@allowed(permissions.may_read_reports)
@require_GET
def progress(request):
    user = request.user
    consultant = _consultant_for(request)
    picking = permissions.may_pick_consultant_in_reports(user)
    form = picker(
        ProgressForm, request, initial={"month": timezone.localdate(), "consultant": consultant.pk},
        consultants=consultants_visible_to(user).order_by(*CONSULTANT_ORDER) if picking else None,
    )
    context = {"form": form, "consultant": consultant, "sheet": None, "page": None}
    if form.is_valid():
        month = form.cleaned_data["month"]
        prospects = progress_prospects(user=user, consultant=consultant)
        if _xlsx_wanted(request):
            sheet = progress_sheet(consultant=consultant, month=month, customers=list(prospects))
            return export_xlsx(request, name=f"progress-{consultant.username}-{month:%Y%m}", sheets=progress_tables.sheets(sheet))
        if request.GET.get("print") == "all":  # every row on one page, to print (at most PRINT_MAX_ROWS)
            rows = list(prospects[: PRINT_MAX_ROWS + 1])
            context.update(print_all=True, print_max=PRINT_MAX_ROWS, print_cut=len(rows) > PRINT_MAX_ROWS)
            context["sheet"] = progress_sheet(consultant=consultant, month=month, customers=rows[:PRINT_MAX_ROWS])
            return render(request, "reports/progress_report.html", context)
        page = Paginator(prospects, settings.PAGE_SIZE).get_page(request.GET.get("page"))
        context["page"] = page
        context["sheet"] = progress_sheet(consultant=consultant, month=month, customers=list(page.object_list))
    return render(request, "reports/progress_report.html", context)


def _targets_page(request, *, month_form, targets_form=None):
    user = request.user
    context = {"form": month_form, "rows": None, "targets_form": None}
    if month_form.is_valid():
        month = month_form.cleaned_data["month"]
        rows = targets_for_month(user=user, month=month)
        context.update(month=month, rows=rows, previous_month=previous_month(month))
        if permissions.may_set_targets(user):
            context["targets_form"] = targets_form or TargetsForm(rows=rows)
    return render(request, "reports/targets_edit.html", context)


@allowed(permissions.may_read_reports)
@require_GET
def targets(request):
    form = picker(MonthForm, request, initial={"month": timezone.localdate()})
    if form.is_valid() and _xlsx_wanted(request):
        month = form.cleaned_data["month"]
        rows = targets_for_month(user=request.user, month=month)
        return export_xlsx(request, name=f"targets-{month:%Y%m}", sheets=targets_tables.sheets(month, rows))
    return _targets_page(request, month_form=form)


def _posted_month(request) -> MonthForm:
    form = MonthForm(request.POST)
    if not form.is_valid():
        raise Http404
    return form


@allowed(permissions.may_set_targets)
@require_POST
def targets_save(request):
    month_form = _posted_month(request)
    month = month_form.cleaned_data["month"]
    form = TargetsForm(request.POST, rows=targets_for_month(user=request.user, month=month))
    if not form.is_valid():
        return _targets_page(request, month_form=month_form, targets_form=form)
    count = monthly_targets_save(month=month, targets=form.targets(), by=request.user)
    messages.success(request, _("Targets saved for %(count)d consultants.") % {"count": count})
    return redirect(f"{reverse('reports:targets')}?month={month:%Y-%m}")


@allowed(permissions.may_set_targets)
@require_POST
def targets_copy(request):
    month = _posted_month(request).cleaned_data["month"]
    count = monthly_targets_copy(month=month, by=request.user)
    if count:
        messages.success(request, _("Copied last month's targets for %(count)d consultants.") % {"count": count})
    else:
        messages.warning(request, _("Last month has no targets to copy."))
    return redirect(f"{reverse('reports:targets')}?month={month:%Y-%m}")


@allowed(permissions.may_read_reports)
@require_GET
def board(request):
    form = picker(MonthForm, request, initial={"month": timezone.localdate()})
    board = performance_board(user=request.user, month=form.cleaned_data["month"]) if form.is_valid() else None
    if board and _xlsx_wanted(request):
        return export_xlsx(request, name=f"performance-{board.month:%Y%m}", sheets=board_tables.sheets(board))
    context = {
        "form": form, "board": board, "chart_data": board_tables.chart_data(board) if board else None,
        "definitions": board_tables.definitions(),
    }
    return render(request, "reports/board_report.html", context)


@allowed(permissions.may_read_reports)
@require_GET
def defeats(request):
    form = picker(RangeForm, request, initial=default_range())
    if not form.is_valid():
        return render(request, "reports/defeats_report.html", {"form": form, "analysis": None})
    analysis = defeat_analysis(user=request.user, start=form.cleaned_data["start"], end=form.cleaned_data["end"])
    if _xlsx_wanted(request):
        name = f"defeats-{analysis.start:%Y%m%d}-{analysis.end:%Y%m%d}"
        return export_xlsx(request, name=name, sheets=defeats_tables.sheets(analysis))
    context = {
        "form": form, "analysis": analysis, "sections": defeats_tables.sections(analysis),
        "chart_data": defeats_tables.chart_data(analysis),
    }
    return render(request, "reports/defeats_report.html", context)


@allowed(permissions.may_read_reports)
@require_GET
def channels(request):
    today = timezone.localdate()
    form = picker(RangeForm, request, initial={"start": month_first(today), "end": today})
    report = None
    if form.is_valid():
        report = channel_report(user=request.user, start=form.cleaned_data["start"], end=form.cleaned_data["end"])
        if _xlsx_wanted(request):
            name = f"channels-{report.start:%Y%m%d}-{report.end:%Y%m%d}"
            return export_xlsx(request, name=name, sheets=channels_tables.sheets(report))
    return render(request, "reports/channels_report.html", {"form": form, "report": report})


@allowed(permissions.may_read_export_log)
@require_GET
def exports(request):
    """The export log: every report file downloaded, newest first."""
    records = ReportExport.objects.select_related("user").order_by("-exported_at", "-pk")
    page = Paginator(records, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "reports/exports.html", {"page": page})


@allowed(permissions.may_read_reports)
@require_GET
def actual_vs_target_view(request):
    form = picker(DayForm, request, initial={"day": timezone.localdate()})
    report = actual_vs_target(user=request.user, day=form.cleaned_data["day"]) if form.is_valid() else None
    if report and _xlsx_wanted(request):
        return export_xlsx(request, name=f"actual-vs-target-{report.day:%Y%m%d}", sheets=weekly_tables.target_sheets(report))
    context = {"form": form, "report": report, "labels": weekly_tables.target_labels()}
    return render(request, "reports/actual_vs_target.html", context)


@allowed(permissions.may_read_reports)
@require_GET
def history_view(request):
    form = picker(DayForm, request, initial={"day": timezone.localdate()})
    history = current_vs_history(user=request.user, day=form.cleaned_data["day"]) if form.is_valid() else None
    if history and _xlsx_wanted(request):
        return export_xlsx(request, name=f"history-{history.day:%Y%m%d}", sheets=weekly_tables.history_sheets(history))
    context = {"form": form, "history": history, "rows": weekly_tables.history_rows(history) if history else []}
    return render(request, "reports/history.html", context)


@allowed(permissions.may_run_morning_meeting)
@require_GET
def morning_xlsx(request):
    """The morning meeting's file (the page is followups:morning; managers only, recorded)."""
    day = timezone.localdate()
    meeting = morning_meeting(request.user, today=day)
    return export_xlsx(request, name=f"morning-meeting-{day:%Y%m%d}", sheets=meeting_tables.sheets(meeting, day=day))
