"""Pages of the weekly management loop (docs/domain.md, "Reports"): the improvement actions of the
sales-management meeting (list, print, .xlsx, new, edit) and the consultants' personal success plans
(list, plan with its one-to-one notes, new, edit, add a note). `reports/urls.py` includes `urlpatterns`.
"""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts import permissions
from accounts.permissions import allowed
from reports import planning_services as services
from reports.planning import (
    change_history, get_improvement_action_for_user, get_success_plan_for_user, improvement_actions_for_user,
    success_plans_for_user,
)
from reports.planning_forms import (
    ImprovementActionForm, ImprovementFilterForm, OneToOneNoteForm, PlanFilterForm, SuccessPlanForm,
)
from reports.views import export_xlsx

PRINT_ROWS = 200  # an A4 print of the actions: the first rows of the filtered list


# --- Improvement actions ---------------------------------------------------------------------------


def _filtered_actions(request):
    form = ImprovementFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    actions = improvement_actions_for_user(user=request.user, status=filters.get("status", ""), owner=filters.get("owner"))
    return form, actions


def _action_sheets(actions):
    headers = [_("Problem found"), _("Measure"), _("Person responsible"), _("Team"), _("Deadline"), _("Status"), _("Overdue"),
               _("Result"), _("Created by"), _("Created at")]
    rows = [
        [a.problem, a.measure, str(a.owner), str(a.team) if a.team else _("Whole dealership"), a.due_on,
         a.get_status_display(), _("yes") if a.overdue else "", a.result, str(a.created_by),
         timezone.localtime(a.created_at).strftime("%Y-%m-%d %H:%M")]
        for a in actions
    ]
    return [(_("Improvement actions"), [headers], rows)]


@allowed(permissions.may_plan_improvements)
@require_GET
def improvement_list(request):
    form, actions = _filtered_actions(request)
    if request.GET.get("format") == "xlsx":
        return export_xlsx(request, name=f"improvement-actions-{timezone.localdate():%Y%m%d}", sheets=_action_sheets(actions))
    page = Paginator(actions, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "reports/improvement_list.html", {"form": form, "page": page})


@allowed(permissions.may_plan_improvements)
@require_GET
def improvement_print(request):
    form, actions = _filtered_actions(request)
    rows = list(actions[: PRINT_ROWS + 1])
    context = {"form": form, "actions": rows[:PRINT_ROWS], "truncated": len(rows) > PRINT_ROWS,
               "print_rows": PRINT_ROWS, "today": timezone.localdate()}
    return render(request, "reports/improvement_print.html", context)


@allowed(permissions.may_plan_improvements)
def improvement_create(request):
    form = ImprovementActionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.improvement_action_create(
            fields=form.service_fields(), by=request.user, submission_key=form.cleaned_data.get("submission_key")
        )
        messages.success(request, _("Improvement action saved."))
        return redirect("reports:improvement_actions")
    return render(request, "reports/improvement_form.html", {"form": form, "action": None})


@allowed(permissions.may_plan_improvements)
def improvement_edit(request, pk):
    action = get_improvement_action_for_user(request.user, pk)
    form = ImprovementActionForm(request.POST or None, instance=action, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.improvement_action_update(
                action=action, fields=form.service_fields(), version=form.cleaned_data["version"], by=request.user
            )
        except services.StaleEdit as stale:
            form.add_error(None, str(stale))
        else:
            messages.success(request, _("Improvement action saved."))
            return redirect("reports:improvement_actions")
    context = {"form": form, "action": action, "history": change_history(action)}
    return render(request, "reports/improvement_form.html", context)


# --- Success plans ---------------------------------------------------------------------------------


@allowed(permissions.may_read_success_plans)
@require_GET
def plan_list(request):
    picking = permissions.may_pick_consultant_in_reports(request.user)
    form = PlanFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    plans = success_plans_for_user(
        user=request.user, consultant=filters.get("consultant") if picking else None, month=filters.get("month")
    )
    page = Paginator(plans, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "reports/plan_list.html", {"form": form, "page": page, "picking": picking})


@allowed(permissions.may_read_success_plans)
@require_GET
def plan_detail(request, pk):
    plan = get_success_plan_for_user(request.user, pk)
    note_form = OneToOneNoteForm(initial={"held_on": timezone.localdate()}) if permissions.may_edit_success_plans(request.user) else None
    return _plan_page(request, plan, note_form)


def _plan_page(request, plan, note_form):
    context = {"plan": plan, "note_form": note_form, "history": change_history(plan)}
    return render(request, "reports/plan_detail.html", context)


@allowed(permissions.may_edit_success_plans)
def plan_create(request):
    initial = {"month": timezone.localdate().strftime("%Y-%m")}
    if request.GET.get("consultant", "").isdigit():
        initial["consultant"] = int(request.GET["consultant"])
    form = SuccessPlanForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        plan = services.success_plan_create(
            fields=form.service_fields(), by=request.user, submission_key=form.cleaned_data.get("submission_key")
        )
        messages.success(request, _("Success plan saved."))
        return redirect("reports:plan_detail", pk=plan.pk)
    return render(request, "reports/plan_form.html", {"form": form, "plan": None})


@allowed(permissions.may_edit_success_plans)
def plan_edit(request, pk):
    plan = get_success_plan_for_user(request.user, pk)
    form = SuccessPlanForm(request.POST or None, instance=plan, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.success_plan_update(
                plan=plan, fields=form.service_fields(), version=form.cleaned_data["version"], by=request.user
            )
        except services.StaleEdit as stale:
            form.add_error(None, str(stale))
        else:
            messages.success(request, _("Success plan saved."))
            return redirect("reports:plan_detail", pk=plan.pk)
    return render(request, "reports/plan_form.html", {"form": form, "plan": plan, "history": change_history(plan)})


@allowed(permissions.may_edit_success_plans)
@require_POST
def plan_note_add(request, pk):
    plan = get_success_plan_for_user(request.user, pk)
    form = OneToOneNoteForm(request.POST)
    if not form.is_valid():
        return _plan_page(request, plan, form)
    services.one_to_one_note_add(
        plan=plan, by=request.user, submission_key=form.cleaned_data.get("submission_key"),
        **{name: form.cleaned_data[name] for name in ("held_on", "notes", "next_steps")},
    )
    messages.success(request, _("One-to-one note added."))
    return redirect(f"{reverse('reports:plan_detail', args=[plan.pk])}#notes")


urlpatterns = [
    path("improvements/", improvement_list, name="improvement_actions"),
    path("improvements/print/", improvement_print, name="improvement_print"),
    path("improvements/new/", improvement_create, name="improvement_create"),
    path("improvements/<int:pk>/", improvement_edit, name="improvement_edit"),
    path("plans/", plan_list, name="plans"),
    path("plans/new/", plan_create, name="plan_create"),
    path("plans/<int:pk>/", plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", plan_edit, name="plan_edit"),
    path("plans/<int:pk>/notes/", plan_note_add, name="plan_note_add"),
]
