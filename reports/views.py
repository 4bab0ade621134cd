"""Report pages: pick a period, read one selector, render it or hand it to the `.xlsx` writer."""

import logging

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.visibility import consultants_visible_to
from reports import selectors
from reports.forms import DayForm, MonthForm, ProgressForm, RangeForm, TargetsForm, default_range, picker
from reports.models import MonthlyTarget
from reports.services import monthly_targets_copy, monthly_targets_save
from reports.xlsx import xlsx_response

export_log = logging.getLogger("reports.exports")


def _xlsx_wanted(request) -> bool:
    return request.GET.get("format") == "xlsx"


def _export(request, *, name: str, sheets):
    """Exports are recorded (SPEC §7): who downloaded which report with which parameters."""
    export_log.info("export %s by %s (%s): %s", name, request.user.pk, request.user.username, request.GET.urlencode())
    return xlsx_response(filename=name, sheets=sheets)


@require_GET
def daily(request):
    selectors.check_report_access(request.user)
    form = picker(DayForm, request, initial={"day": timezone.localdate()})
    report = selectors.daily_activity(user=request.user, day=form.cleaned_data["day"]) if form.is_valid() else None
    if report and _xlsx_wanted(request):
        return _export(request, name=f"daily-activity-{report.day:%Y%m%d}", sheets=report.sheets())
    return render(request, "reports/daily_report.html", {"form": form, "report": report})


def _consultant_id(request) -> int | None:
    raw = request.GET.get("consultant") or None
    if raw is None:
        return None
    try:
        return int(raw)
    except ValueError:
        raise Http404


@require_GET
def progress(request):
    user = request.user
    consultant = selectors.progress_consultant_for(user, _consultant_id(request))  # 404 if not visible
    choices = None if user.is_consultant else consultants_visible_to(user).order_by("team__name", "last_name", "username")
    form = picker(
        ProgressForm, request, initial={"month": timezone.localdate(), "consultant": consultant.pk}, consultants=choices
    )
    context = {"form": form, "consultant": consultant, "sheet": None, "page": None}
    if form.is_valid():
        month = form.cleaned_data["month"]
        prospects = selectors.progress_prospects(user=user, consultant=consultant)
        if _xlsx_wanted(request):
            if not user.is_manager:  # a list of customers: exports are for managers (SPEC §7)
                raise Http404
            sheet = selectors.progress_sheet(user=user, consultant=consultant, month=month, customers=list(prospects))
            return _export(request, name=f"progress-{consultant.username}-{month:%Y%m}", sheets=sheet.sheets())
        page = Paginator(prospects, settings.PAGE_SIZE).get_page(request.GET.get("page"))
        context["page"] = page
        context["sheet"] = selectors.progress_sheet(
            user=user, consultant=consultant, month=month, customers=list(page.object_list)
        )
    return render(request, "reports/progress_report.html", context)


def _targets_page(request, *, month_form, targets_form=None, status=200):
    user = request.user
    context = {"form": month_form, "rows": None, "targets_form": None, "may_edit": user.sees_whole_dealership}
    if month_form.is_valid():
        month = month_form.cleaned_data["month"]
        rows = selectors.targets_for_month(user=user, month=month)
        context.update(month=month, rows=rows, previous_month=selectors.previous_month(month))
        if user.sees_whole_dealership:
            context["targets_form"] = targets_form or TargetsForm(rows=rows)
    return render(request, "reports/targets_edit.html", context, status=status)


def _targets_sheets(month, rows):
    headers = [_("Consultant"), *[str(selectors.TARGET_LABELS[name]) for name in MonthlyTarget.FIELDS]]
    body = [[str(c), *[getattr(t, name) if t else None for name in MonthlyTarget.FIELDS]] for c, t in rows]
    return [(_("Targets"), [[_("Monthly targets %(month)s") % {"month": f"{month:%Y-%m}"}], headers], body)]


@require_GET
def targets(request):
    selectors.check_report_access(request.user)
    form = picker(MonthForm, request, initial={"month": timezone.localdate()})
    if form.is_valid() and _xlsx_wanted(request):
        month = form.cleaned_data["month"]
        rows = selectors.targets_for_month(user=request.user, month=month)
        return _export(request, name=f"targets-{month:%Y%m}", sheets=_targets_sheets(month, rows))
    return _targets_page(request, month_form=form)


def _posted_month(request):
    if not request.user.sees_whole_dealership:
        raise Http404
    form = MonthForm(request.POST)
    if not form.is_valid():
        raise Http404
    return form


@require_POST
def targets_save(request):
    month_form = _posted_month(request)
    month = month_form.cleaned_data["month"]
    form = TargetsForm(request.POST, rows=selectors.targets_for_month(user=request.user, month=month))
    if not form.is_valid():
        return _targets_page(request, month_form=month_form, targets_form=form)
    count = monthly_targets_save(month=month, targets=form.targets(), by=request.user)
    messages.success(request, _("Targets saved for %(count)d consultants.") % {"count": count})
    return redirect(f"{reverse('reports:targets')}?month={month:%Y-%m}")


@require_POST
def targets_copy(request):
    month = _posted_month(request).cleaned_data["month"]
    count = monthly_targets_copy(month=month, by=request.user)
    if count:
        messages.success(request, _("Copied last month's targets for %(count)d consultants.") % {"count": count})
    else:
        messages.warning(request, _("Last month has no targets to copy."))
    return redirect(f"{reverse('reports:targets')}?month={month:%Y-%m}")


@require_GET
def board(request):
    selectors.check_report_access(request.user)
    form = picker(MonthForm, request, initial={"month": timezone.localdate()})
    board = selectors.performance_board(user=request.user, month=form.cleaned_data["month"]) if form.is_valid() else None
    if board and _xlsx_wanted(request):
        return _export(request, name=f"performance-{board.month:%Y%m}", sheets=board.sheets())
    context = {"form": form, "board": board, "chart_data": board.chart_data() if board else None}
    return render(request, "reports/board_report.html", context)


@require_GET
def defeats(request):
    selectors.check_report_access(request.user)
    form = picker(RangeForm, request, initial=default_range())
    analysis = None
    if form.is_valid():
        analysis = selectors.defeat_analysis(user=request.user, start=form.cleaned_data["start"], end=form.cleaned_data["end"])
        if _xlsx_wanted(request):
            return _export(request, name=f"defeats-{analysis.start:%Y%m%d}-{analysis.end:%Y%m%d}", sheets=analysis.sheets())
    context = {"form": form, "analysis": analysis, "chart_data": analysis.chart_data() if analysis else None}
    return render(request, "reports/defeats_report.html", context)


@require_GET
def channels(request):
    selectors.check_report_access(request.user)
    today = timezone.localdate()
    form = picker(RangeForm, request, initial={"start": today.replace(day=1), "end": today})
    report = None
    if form.is_valid():
        report = selectors.channel_report(user=request.user, start=form.cleaned_data["start"], end=form.cleaned_data["end"])
        if _xlsx_wanted(request):
            return _export(request, name=f"channels-{report.start:%Y%m%d}-{report.end:%Y%m%d}", sheets=report.sheets())
    return render(request, "reports/channels_report.html", {"form": form, "report": report})
