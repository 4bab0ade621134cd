"""Follow-up pages: today, morning meeting, weekly H-grade list, rule sets."""

from datetime import date, timedelta

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts import permissions
from accounts.permissions import allowed, require
from accounts.visibility import holders_visible_to
from common import bounds
from followups import selectors
from common.redirects import safe_next
from followups.forms import GradeRuleFormSet, HListEntryForm, RuleSetCopyForm, RuleSetForm, TaskRetryForm, TaskWorkForm
from followups.models import GradeRule, HListEntry, RuleSet, Task
from followups.rules import h_list_week_is_open, h_list_week_may_be_committed
from followups.services import (
    HListRefused, TaskWorkError, h_list_entry_add, h_list_entry_remove, h_list_entry_update, rule_set_activate, rule_set_copy,
    rule_set_save, task_retry,
)
from followups.services import task_work as task_work_service
from leads.models import Customer
from leads.selectors import customers_for_user, get_customer_for_user

GRADE_ORDER = [grade for grade, _label in Customer.Grade.choices]


# --- Today -----------------------------------------------------------------------------------------

def contact_url(task, *, next_url: str) -> str:
    """One click from a task to logging the contact that completes it, then back."""
    return f"{reverse('leads:contact_create', args=[task.customer_id])}?{urlencode({'next': next_url})}"


@allowed(permissions.may_open_today)
def today(request: HttpRequest) -> HttpResponse:
    user = request.user
    day = timezone.localdate()
    lists = selectors.today_lists(user, today=day)
    overdue_page = Paginator(lists.overdue, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    next_url = reverse("followups:today")
    for task in [*lists.due_today, *overdue_page, *lists.upcoming]:
        if task.may_be_worked:
            task.work_url = task_work_url(task, next_url=next_url)
        else:
            task.contact_url = contact_url(task, next_url=next_url)
        if task.may_be_worked or task.is_prospect_task:
            task.retry_url = task_work_url(task, next_url=next_url, retry=True)
    return render(
        request,
        "followups/tasks_today.html",
        {"day": day, "lists": lists, "overdue_page": overdue_page, "upcoming_days": selectors.UPCOMING_DAYS},
    )


# --- Morning meeting -------------------------------------------------------------------------------

@allowed(permissions.may_run_morning_meeting)
def morning(request: HttpRequest) -> HttpResponse:
    """The meeting per consultant; `?consultant=<id>&list=<figure>` (the summary's links) narrows the lists.

    A consultant the user may not see, or an unknown list, is ignored by the selector: the whole meeting."""
    day = timezone.localdate()
    consultant = request.GET.get("consultant", "")
    meeting = selectors.morning_meeting(
        request.user,
        today=day,
        consultant_id=int(consultant) if consultant.isdecimal() and len(consultant) < 10 else None,
        only=request.GET.get("list"),
    )
    return render(
        request,
        "followups/meeting_morning.html",
        {"day": day, "meeting": meeting, "list_label": MEETING_LISTS.get(meeting.filter.list)},
    )


# The summary's columns and the lists behind them (`?list=`), in the page's order.
MEETING_LISTS = {
    "due_today": gettext_lazy("Due today"),
    "overdue": gettext_lazy("Overdue"),
    "h_grade": gettext_lazy("H-grade"),
    "unsigned": gettext_lazy("Unsigned cards"),
    "stuck": gettext_lazy("Stuck"),
}


# --- Weekly H-grade list ---------------------------------------------------------------------------

def _week_start(request: HttpRequest) -> date:
    """The Monday of `?week=` (any day of it); the current week when missing, malformed or out of range."""
    try:
        day = date.fromisoformat(request.GET.get("week") or request.POST.get("week") or "")
    except ValueError:
        day = None
    if not bounds.within("report_period", day):
        day = timezone.localdate()
    return selectors.week_start_of(day)


def _week_url(week_start: date, *, anchor: str = "") -> str:
    return f"{reverse('followups:h_list')}?week={week_start.isoformat()}" + (f"#{anchor}" if anchor else "")


@allowed(permissions.may_read_h_list)
def h_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    week_start = _week_start(request)
    week = selectors.h_list_week(user, week_start=week_start, today=timezone.localdate())
    for group in week.groups:
        for entry in group.entries:
            entry.may_change = week.is_open and permissions.may_change_h_list_entry(user, entry)
    return render(
        request,
        "followups/hlist_week.html",
        {
            "week": week,
            "week_start": week_start,
            "week_end": week.week_end,
            "previous_week": week_start - timedelta(days=7),
            "next_week": week_start + timedelta(days=7),
            "groups": week.groups,
            "total": week.total.committed,
            "hit_rate_weeks": selectors.HIT_RATE_WEEKS,
        },
    )


def _holder(request: HttpRequest):
    """Whose customers the add form offers: `?consultant=` among the holders the user sees (404 otherwise);
    a consultant's own; a manager without one, every holder they see (None)."""
    user = request.user
    if permissions.works_for_self(user):
        return user
    pk = request.GET.get("consultant") or request.POST.get("consultant") or ""
    if not pk:
        return None
    holder = holders_visible_to(user).filter(pk=int(pk)).first() if pk.isdigit() else None
    if holder is None:
        raise Http404
    return holder


def _render_entry_form(request, form, *, week_start: date, holder=None, entry=None, status=200) -> HttpResponse:
    return render(
        request,
        "followups/hlist_entry_form.html",
        {"form": form, "week_start": week_start, "week_end": week_start + timedelta(days=6), "holder": holder, "entry": entry,
         "back": _week_url(week_start)},
        status=status,
    )


def _refused(form, refused: HListRefused) -> None:
    form.add_error(refused.field if refused.field in form.fields else None, refused.message)


@allowed(permissions.may_commit_h_list)
def h_list_add(request: HttpRequest) -> HttpResponse:
    """Put a customer on a week's list: a consultant their own H or A prospects, a manager those of the
    consultants they see. Another team's customer answers 404."""
    user = request.user
    holder = _holder(request)
    if request.method == "POST" and request.POST.get("customer", "").isdigit():
        customer = get_customer_for_user(user, int(request.POST["customer"]))  # 404 for a customer not theirs
        holder = holder or customer.consultant
    week_start = _week_start(request)
    visible = customers_for_user(user)
    candidates = selectors.h_list_candidates(user, holder=holder, week_start=week_start) if holder else (
        visible.filter(status=Customer.Status.ACTIVE, grade__in=HListEntry.GRADES)
        .exclude(h_list_entries__week_start=week_start).order_by("grade", "name", "pk")
    )
    kwargs = {"week_start": week_start, "visible": visible, "candidates": candidates,
              "may_annotate": permissions.may_annotate_h_list(user)}
    if request.method != "POST":
        if not h_list_week_may_be_committed(week_start, today=timezone.localdate()):
            messages.error(request, _("Customers are put on this week's or next week's H-grade list."))
            return redirect(_week_url(week_start))
        initial = {"expected_on": max(week_start, timezone.localdate())}
        if request.GET.get("customer", "").isdigit():
            initial["customer"] = get_customer_for_user(user, int(request.GET["customer"])).pk
        form = HListEntryForm(initial=initial, **kwargs)
        return _render_entry_form(request, form, week_start=week_start, holder=holder)
    form = HListEntryForm(request.POST, **kwargs)
    if form.is_valid():
        data = form.cleaned_data
        week_start = selectors.week_start_of(data["week"])
        try:
            entry = h_list_entry_add(
                customer=data["customer"], week_start=week_start, expected_on=data["expected_on"],
                reason=data["reason"], note=data.get("note", ""), by=user,
            )
        except HListRefused as refused:
            _refused(form, refused)
        else:
            messages.success(request, _("%(name)s is on the H-grade list of the week of %(week)s.")
                             % {"name": entry.customer.name, "week": week_start.isoformat()})
            return redirect(_week_url(week_start, anchor=f"entry-{entry.pk}"))
    return _render_entry_form(request, form, week_start=week_start, holder=holder, status=400)


def _changeable_entry(request: HttpRequest, pk: int):
    entry = selectors.get_h_list_entry_for_user(request.user, pk)  # 404 for another team's
    require(permissions.may_change_h_list_entry(request.user, entry))
    return entry


@allowed(permissions.may_commit_h_list)
def h_list_entry_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    entry = _changeable_entry(request, pk)
    may_annotate = permissions.may_annotate_h_list(user)
    kwargs = {"week_start": entry.week_start, "entry": entry, "may_annotate": may_annotate}
    if request.method != "POST":
        if not h_list_week_is_open(entry.week_start, today=timezone.localdate()):
            messages.error(request, _("The week of %(week)s is over: its H-grade list stays as it was committed.")
                           % {"week": entry.week_start.isoformat()})
            return redirect(_week_url(entry.week_start))
        form = HListEntryForm(initial={"expected_on": entry.expected_on, "reason": entry.reason, "note": entry.note}, **kwargs)
        return _render_entry_form(request, form, week_start=entry.week_start, entry=entry)
    form = HListEntryForm(request.POST, initial={"week": entry.week_start}, **kwargs)
    if form.is_valid():
        data = form.cleaned_data
        try:
            h_list_entry_update(entry=entry, expected_on=data["expected_on"], reason=data["reason"],
                                note=data["note"] if may_annotate else None, by=user)
        except HListRefused as refused:
            _refused(form, refused)
        else:
            messages.success(request, _("Saved for %(name)s.") % {"name": entry.customer.name})
            return redirect(_week_url(entry.week_start, anchor=f"entry-{entry.pk}"))
    return _render_entry_form(request, form, week_start=entry.week_start, entry=entry, status=400)


@allowed(permissions.may_commit_h_list)
@require_POST
def h_list_entry_remove_view(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _changeable_entry(request, pk)
    try:
        h_list_entry_remove(entry=entry, by=request.user)
    except HListRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("%(name)s was taken off the H-grade list.") % {"name": entry.customer.name})
    return redirect(_week_url(entry.week_start, anchor=f"consultant-{entry.consultant.username}"))


# --- Rule sets -------------------------------------------------------------------------------------

def _grade_rules(rule_set: RuleSet):
    order = Case(*[When(grade=g, then=Value(i)) for i, g in enumerate(GRADE_ORDER)], output_field=IntegerField())
    return GradeRule.objects.filter(rule_set=rule_set).annotate(grade_order=order).order_by("grade_order")


def _render_rules(request, *, selected: RuleSet, form=None, formset=None, copy_form=None, status=200):
    return render(
        request,
        "followups/rulesets_list.html",
        {
            "rule_sets": selectors.rule_sets_with_rules(),
            "selected": selected,
            "form": form or RuleSetForm(instance=selected),
            "formset": formset or GradeRuleFormSet(instance=selected, queryset=_grade_rules(selected)),
            "copy_form": copy_form or RuleSetCopyForm(initial={"name": _("%(name)s (copy)") % {"name": selected.name}}),
        },
        status=status,
    )


@allowed(permissions.may_edit_rules)
def rules(request: HttpRequest) -> HttpResponse:
    selected_pk = request.GET.get("set")
    if selected_pk and selected_pk.isdigit():
        selected = selectors.get_rule_set(int(selected_pk))
    else:
        selected = RuleSet.objects.filter(is_active=True).first() or RuleSet.objects.first()
        if selected is None:
            raise Http404
    return _render_rules(request, selected=selected)


def _rules_url(rule_set: RuleSet) -> str:
    return f"{reverse('followups:rules')}?set={rule_set.pk}"


@allowed(permissions.may_edit_rules)
@require_POST
def rule_set_update(request: HttpRequest, pk: int) -> HttpResponse:
    rule_set = selectors.get_rule_set(pk)
    form = RuleSetForm(request.POST, instance=rule_set)
    formset = GradeRuleFormSet(request.POST, instance=rule_set, queryset=_grade_rules(rule_set))
    if not (form.is_valid() and formset.is_valid()):
        return _render_rules(request, selected=rule_set, form=form, formset=formset, status=400)
    recomputed = rule_set_save(form=form, formset=formset, by=request.user)
    if recomputed is None:
        messages.success(request, _("Rule set %(name)s saved.") % {"name": rule_set.name})
    else:
        messages.success(
            request,
            _("Rule set %(name)s saved; next follow-ups of %(count)d open prospects were recomputed.")
            % {"name": rule_set.name, "count": recomputed},
        )
    return redirect(_rules_url(rule_set))


@allowed(permissions.may_edit_rules)
@require_POST
def rule_set_copy_view(request: HttpRequest, pk: int) -> HttpResponse:
    source = selectors.get_rule_set(pk)
    copy_form = RuleSetCopyForm(request.POST)
    if not copy_form.is_valid():
        return _render_rules(request, selected=source, copy_form=copy_form, status=400)
    copy = rule_set_copy(source=source, name=copy_form.cleaned_data["name"])
    messages.success(request, _("Rule set %(name)s created from %(source)s.") % {"name": copy.name, "source": source.name})
    return redirect(_rules_url(copy))


@allowed(permissions.may_edit_rules)
@require_POST
def rule_set_activate_view(request: HttpRequest, pk: int) -> HttpResponse:
    rule_set = selectors.get_rule_set(pk)
    count = rule_set_activate(rule_set=rule_set, by=request.user)
    messages.success(
        request,
        _("Rule set %(name)s is now active; next follow-ups of %(count)d open prospects were recomputed.")
        % {"name": rule_set.name, "count": count},
    )
    return redirect(_rules_url(rule_set))


# --- Working a task --------------------------------------------------------------------------------

def task_work_url(task, *, next_url: str, retry: bool = False) -> str:
    """The task's own page: the "done" form of a calendar task, or (`retry`) the "not reached" form."""
    query = {"next": next_url, **({"retry": "1"} if retry else {})}
    return f"{reverse('followups:task_work', args=[task.pk])}?{urlencode(query)}"


def _visible_tasks(user):
    """Tasks on customers the user may see (`leads.selectors.customers_for_user`)."""
    return Task.objects.select_related("customer").filter(customer__in=customers_for_user(user))


@allowed(permissions.may_open_today)
def task_work(request: HttpRequest, pk: int) -> HttpResponse:
    back = safe_next(request) or reverse("followups:today")
    task = _visible_tasks(request.user).filter(pk=pk).first()
    if task is None or task.kind == Task.Kind.ESCALATION:
        raise Http404
    if task.status not in Task.PENDING:
        if request.method == "POST":  # a form sent twice: the first one closed the task
            messages.info(request, _("This task has already been closed."))
            return redirect(back)
        raise Http404
    retry = not task.may_be_worked or request.GET.get("retry") == "1" or request.POST.get("action") == "retry"
    work_form = TaskWorkForm(task=task) if task.may_be_worked else None
    retry_form = TaskRetryForm()
    if request.method == "POST":
        try:
            if request.POST.get("action") == "retry":
                retry_form = TaskRetryForm(request.POST)
                if retry_form.is_valid():
                    moved = task_retry(task=task, by=request.user, **retry_form.cleaned_data)
                    messages.success(
                        request, _("%(name)s: try again on %(day)s.") % {"name": task.customer.name, "day": moved.due_on.isoformat()}
                    )
                    return redirect(back)
            elif task.may_be_worked:
                work_form = TaskWorkForm(request.POST, task=task)
                if work_form.is_valid():
                    task_work_service(task=task, by=request.user, **work_form.cleaned_data)
                    messages.success(request, _("Contact logged; task done."))
                    return redirect(back)
            else:
                raise Http404
        except TaskWorkError as refused:
            messages.error(request, str(refused))
            return redirect(back)
    context = {
        "task": task, "customer": task.customer, "work_form": work_form, "retry_form": retry_form,
        "retry": retry, "next": back, "contact_url": contact_url(task, next_url=back),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "followups/task_work.html", context, status=status)
