"""The visit register (来店客户登记表), the phone register (来电客户登记表) and the duty roster (接待轮序)."""

from datetime import date, datetime, time

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import permissions
from accounts.permissions import allowed
from common import throttle
from common.bounds import within
from leads import register_selectors
from leads import register_services
from leads.forms.registers import DutyRosterForm, PhoneCallForm, VisitAddForm, VisitCompleteForm, VisitEditForm


def default_time() -> time:
    now = timezone.localtime()
    return now.time().replace(second=0, microsecond=0)


def parse_day(raw: str | None) -> date:
    """The register's day from `?day=`, today when missing, malformed or out of range."""
    if raw:
        try:
            day = datetime.strptime(raw, "%Y-%m-%d").date()
        except ValueError:
            pass
        else:
            if within("report_period", day):
                return day
    return timezone.localdate()


def _register_url(name: str, day: date) -> str:
    return f"{reverse(name)}?day={day.isoformat()}"


def _apply_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError next to its field (or on top of the form)."""
    if hasattr(error, "error_dict"):
        for field_name, errors in error.error_dict.items():
            form.add_error(field_name if field_name in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- visit register ------------------------------------------------------------------------------


def _visit_context(request, day: date, add_form=None, phone_owner=None, phone_mark: str = "", lookup_error: str = "") -> dict:
    """`phone_owner`: the consultant of the customer whose phone reception typed; the rotation proposes them first."""
    user = request.user
    slots = register_selectors.duty_for_day(day)
    suggestion = phone_owner or register_selectors.rotation_suggest(day=day, slots=slots)
    if add_form is None and permissions.may_add_party(user):
        add_form = VisitAddForm(
            initial={"visit_date": day, "arrived_at": default_time(), "consultant": suggestion}
        )
    return {
        "day": day,
        "rows": register_selectors.visits_for_day(user=user, day=day),
        "totals": register_selectors.visit_register_totals(day=day),
        "add_form": add_form,
        "slots": slots,
        "suggestion": suggestion,
        "phone_owner": phone_owner,
        "phone_mark": phone_mark,
        "lookup_error": lookup_error,
    }


def _typed(post) -> dict:
    """What reception typed, as the add form's initial values (the same submission key)."""
    return {key: post.get(key) for key in ("visit_date", "arrived_at", "party_size", "consultant", "phone", "submission_key")
            if post.get(key)}


def _visit_add_lookup(request, form):
    """Reception pressed "Look up": the form again, its consultant set to the customer's own (nothing saved).

    Only the consultant's name and F/S are shown, and the lookup counts against the phone-lookup limit.
    """
    form.is_valid()
    day = form.cleaned_data.get("visit_date") or parse_day(request.POST.get("visit_date"))
    phone = form.cleaned_data.get("phone", "")
    owner, mark, error = None, "", ""
    if phone and throttle.lookup_refused(request):
        form = VisitAddForm(initial=_typed(request.POST))
        error = _("Too many lookups: wait a minute.")
    elif phone:
        owner = register_selectors.consultant_for_phone(phone)
        mark = register_selectors.visit_mark_for_phone(phone)
        initial = _typed(request.POST)
        if owner is not None:
            initial["consultant"] = owner.pk
        form = VisitAddForm(initial=initial)  # unbound: a lookup is no attempt to save
    context = _visit_context(request, day, add_form=form, phone_owner=owner, phone_mark=mark, lookup_error=error)
    template = "leads/_register_visits.html" if request.htmx else "leads/register_visits.html"
    return render(request, template, context)


@allowed(permissions.may_open_registers)
@require_GET
def visit_register(request):
    day = parse_day(request.GET.get("day"))
    return render(request, "leads/register_visits.html", _visit_context(request, day))


@allowed(permissions.may_add_party)
@require_POST
def visit_add(request):
    form = VisitAddForm(request.POST)
    if "lookup" in request.POST:
        return _visit_add_lookup(request, form)
    if form.is_valid():
        data = form.cleaned_data
        try:
            register_services.visit_add(
                by=request.user,
                visit_date=data["visit_date"],
                arrived_at=data["arrived_at"],
                party_size=data["party_size"],
                consultant=data["consultant"],
                phone=data["phone"],
                submission_key=data["submission_key"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            day = data["visit_date"]
            if request.htmx:
                return render(request, "leads/_register_visits.html", _visit_context(request, day))
            messages.success(request, _("Party added to the register."))
            return redirect(_register_url("leads:visit_register", day))
    day = form.cleaned_data.get("visit_date") or parse_day(request.POST.get("visit_date"))
    context = _visit_context(request, day, add_form=form)
    template = "leads/_register_visits.html" if request.htmx else "leads/register_visits.html"
    return render(request, template, context)


@allowed(permissions.may_open_registers)
@require_http_methods(["GET", "POST"])
def visit_complete(request, pk: int):
    visit = register_selectors.get_visit_for_completion(request.user, pk)
    form_class = VisitEditForm if permissions.may_correct_register_rows(request.user) else VisitCompleteForm
    initial = {
        "left_at": visit.left_at,
        "name": visit.name,
        "phone": visit.phone,
        "car_model": visit.car_model_id,
        "colour": visit.colour_id,
        "discussion": visit.discussion,
        "grade": visit.grade or None,
        "channel": visit.channel_id,
        "test_drive": visit.test_drive,
        "licence_checked": visit.licence_checked,
        "arrived_at": visit.arrived_at,
        "party_size": visit.party_size,
        "consultant": visit.consultant_id,
        "version": visit.version,
    }
    initial = {key: value for key, value in initial.items() if value not in (None, "")}
    form = form_class(request.POST or None, initial=initial, arrived_at=visit.arrived_at)
    if request.method == "POST" and form.is_valid():
        try:
            visit = register_services.visit_complete(visit=visit, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            if visit.is_first_visit:
                messages.success(request, _("Visit completed; a new customer card was created for sign-off."))
            else:
                messages.success(request, _("Visit completed as a repeat visit (S) of an existing customer."))
            if request.htmx:
                response = HttpResponse(status=204)
                response["HX-Redirect"] = _register_url("leads:visit_register", visit.visit_date)
                return response
            return redirect(_register_url("leads:visit_register", visit.visit_date))
    other = visit.customer_consultant if visit.customer_consultant_id not in (None, visit.consultant_id) else None
    return render(request, "leads/register_visit_complete.html", {"visit": visit, "form": form, "other_consultant": other})


@allowed(permissions.may_open_registers)
@require_POST
def phone_lookup(request):
    """htmx: "F" or "S" for the typed phone, never anything else about the customer.

    The phone comes in the POST body (not the URL, so not in access logs) and each user has a limit
    per minute: the lookup must not become a way to test which numbers are customers."""
    raw = request.POST.get("phone", "").strip()[:40]
    mark, error = "", ""
    if raw and throttle.lookup_refused(request):
        # 200, not 429: htmx swaps only successful answers, and reception must read why.
        return render(request, "leads/_register_phone_mark.html", {"error": _("Too many lookups: wait a minute.")})
    if raw:
        try:
            mark = register_selectors.visit_mark_for_phone(raw)
        except ValidationError as exc:
            error = exc.messages[0]
    return render(request, "leads/_register_phone_mark.html", {"mark": mark, "error": error})


# --- phone register ------------------------------------------------------------------------------


def _phone_context(request, day: date, form=None) -> dict:
    if form is None:
        form = PhoneCallForm(
            user=request.user, initial={"call_date": day, "called_at": default_time()}
        )
    return {
        "day": day,
        "rows": register_selectors.calls_for_day(user=request.user, day=day),
        "totals": register_selectors.phone_register_totals(day=day),
        "form": form,
    }


@allowed(permissions.may_open_registers)
@require_GET
def phone_register(request):
    day = parse_day(request.GET.get("day"))
    return render(request, "leads/register_phone.html", _phone_context(request, day))


@allowed(permissions.may_open_registers)
@require_POST
def phone_call_add(request):
    form = PhoneCallForm(request.POST, user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            register_services.phone_call_log(
                by=request.user,
                call_date=data["call_date"],
                called_at=data["called_at"],
                consultant=data.get("consultant") or request.user,
                name=data["name"],
                phone=data["phone"],
                grade=data["grade"],
                channel=data["channel"],
                car_model=data["car_model"],
                content=data["content"],
                submission_key=data["submission_key"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            day = data["call_date"]
            if request.htmx:
                return render(request, "leads/_register_phone.html", _phone_context(request, day))
            messages.success(request, _("Phone-in logged."))
            return redirect(_register_url("leads:phone_register", day))
    day = form.cleaned_data.get("call_date") or parse_day(request.POST.get("call_date"))
    template = "leads/_register_phone.html" if request.htmx else "leads/register_phone.html"
    return render(request, template, _phone_context(request, day, form=form))


# --- duty roster ---------------------------------------------------------------------------------


@allowed(permissions.may_read_duty_roster)
@require_http_methods(["GET", "POST"])
def duty_roster(request):
    day = parse_day(request.GET.get("day") or request.POST.get("day"))
    slots = register_selectors.duty_for_day(day)
    form = None
    if permissions.may_set_duty(request.user):
        form = DutyRosterForm(
            request.POST or None,
            consultants=register_selectors.on_duty_candidates(),
            current={slot.consultant_id: slot.position for slot in slots},
        )
        if request.method == "POST" and form.is_valid():
            register_services.duty_set(day=day, consultants=form.ordered_consultants(), by=request.user)
            messages.success(request, _("Duty roster saved."))
            return redirect(_register_url("leads:duty_roster", day))
    elif request.method == "POST":
        raise Http404
    return render(
        request,
        "leads/register_duty.html",
        {"day": day, "slots": slots, "form": form, "suggestion": register_selectors.rotation_suggest(day=day, slots=slots)},
    )


urlpatterns = [
    path("registers/visits/", visit_register, name="visit_register"),
    path("registers/visits/add/", visit_add, name="visit_add"),
    path("registers/visits/<int:pk>/complete/", visit_complete, name="visit_complete"),
    path("registers/phone-lookup/", phone_lookup, name="phone_lookup"),
    path("registers/phone/", phone_register, name="phone_register"),
    path("registers/phone/add/", phone_call_add, name="phone_call_add"),
    path("registers/duty/", duty_roster, name="duty_roster"),
]
