"""Defeat requests (战败): the consultant files one, the showroom manager approves or rejects it (docs/domain.md, "Order, delivery, defeat, handover")."""

import json

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import permissions
from accounts.models import User
from accounts.permissions import allowed
from common.redirects import redirect_back
from leads import services
from leads.forms.defeats import DefeatApproveForm, DefeatForm, DefeatRejectForm
from leads.models import Customer, Defeat
from leads.selectors import defeats_approved_recently_by, defeats_to_decide, get_customer_for_user


def _get_defeat(user: User, pk: int) -> Defeat:
    try:
        return defeats_to_decide(user).get(pk=pk)
    except Defeat.DoesNotExist:
        raise Http404


@allowed(permissions.may_file_defeat)
@require_http_methods(["GET", "POST"])
def defeat_create(request: HttpRequest, pk: int) -> HttpResponse:
    """The defeat request of whoever holds the customer; the customer waits for a manager's decision."""
    customer = get_customer_for_user(request.user, pk, queryset=Customer.objects.select_related("consultant"))
    if customer.consultant_id != request.user.pk:
        raise Http404  # a manager sees the team's cards but files defeats only for customers they hold
    form = DefeatForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.defeat_file(
                customer=customer,
                by=request.user,
                fields=form.service_fields(),
                submission_key=form.cleaned_data["submission_key"],
            )
        except services.TransitionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Defeat request for %(name)s sent to the showroom manager.") % {"name": customer.name})
            return redirect("leads:customer_detail", pk=customer.pk)
    return render(request, "leads/defeat_create.html", {"customer": customer, "form": form})


# The event the queue's counter listens to (`hx-trigger="defeatsChanged from:body"`).
DEFEATS_CHANGED = "defeatsChanged"


def _pending_count(user: User) -> int:
    return defeats_to_decide(user).filter(status=Defeat.Status.PENDING).count()


def _confirmed(request: HttpRequest) -> bool:
    return request.POST.get("confirm") == "yes"


@allowed(permissions.may_decide_defeats)
def defeat_queue(request: HttpRequest) -> HttpResponse:
    defeats = (
        defeats_to_decide(request.user).filter(status=Defeat.Status.PENDING).order_by("filed_at", "pk")
    )
    page = Paginator(defeats, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    since = timezone.now() - services.UNDO_WINDOW
    return render(
        request,
        "leads/defeat_queue.html",
        {
            "page": page, "approve_form": DefeatApproveForm(), "reject_form": DefeatRejectForm(),
            "just_approved": list(defeats_approved_recently_by(request.user, since=since)[: settings.PAGE_SIZE]),
        },
    )


@allowed(permissions.may_decide_defeats)
def defeat_count(request: HttpRequest) -> HttpResponse:
    """The queue's counter alone, redrawn by htmx after each decision."""
    return render(request, "leads/_defeat_count.html", {"pending": _pending_count(request.user)})


def _decided(request: HttpRequest, defeat: Defeat, message: str) -> HttpResponse:
    if request.htmx:
        response = render(request, "leads/_defeat_item_gone.html", {
            "defeat": defeat, "undoable": services.defeat_approval_undoable(defeat, request.user),
        })
        response["HX-Trigger"] = json.dumps({DEFEATS_CHANGED: {"pending": _pending_count(request.user)}})
        return response
    messages.success(request, message)
    return redirect_back(request, reverse("leads:defeat_queue"))


def _already_decided(request: HttpRequest, defeat: Defeat, error: services.TransitionError) -> HttpResponse:
    if request.htmx:
        return render(request, "leads/_defeat_item_gone.html", {"defeat": defeat, "error": str(error)})
    messages.error(request, str(error))
    return redirect_back(request, reverse("leads:defeat_queue"))


def _ask(request: HttpRequest, defeat: Defeat, confirming: str, reject_form: DefeatRejectForm, approve_form: DefeatApproveForm):
    """The decision asked once more: in place of the request (htmx) or on a page of its own."""
    context = {"defeat": defeat, "confirming": confirming, "reject_form": reject_form, "approve_form": approve_form}
    if request.htmx:
        return render(request, "leads/_defeat_item.html", context)
    context["next"] = request.POST.get("next") or request.GET.get("next", "")
    return render(request, "leads/defeat_reject.html", context)


@allowed(permissions.may_decide_defeats)
@require_POST
def defeat_approve(request: HttpRequest, pk: int) -> HttpResponse:
    """The customer becomes defeated; their open follow-ups are cancelled (asked first: `confirm=yes`)."""
    defeat = _get_defeat(request.user, pk)
    form = DefeatApproveForm(request.POST)
    comment = form.cleaned_data["comment"].strip() if form.is_valid() else ""
    if not _confirmed(request):
        if not defeat.is_pending:
            return _already_decided(request, defeat, services.TransitionError(_("This defeat request has already been decided.")))
        return _ask(request, defeat, "approve", DefeatRejectForm(), form)
    try:
        defeat = services.defeat_approve(defeat=defeat, by=request.user, comment=comment)
    except services.TransitionError as error:
        return _already_decided(request, defeat, error)
    return _decided(request, defeat, _("Defeat of %(name)s approved.") % {"name": defeat.customer.name})


@allowed(permissions.may_decide_defeats)
@require_POST
def defeat_approve_undo(request: HttpRequest, pk: int) -> HttpResponse:
    """Take back one's own approval (within services.UNDO_WINDOW): the request waits again, the customer
    and their orders are as the approval found them."""
    defeat = _get_defeat(request.user, pk)
    try:
        defeat = services.defeat_approve_undo(defeat=defeat, by=request.user)
    except services.TransitionError as error:
        return _already_decided(request, defeat, error)
    if request.htmx:
        defeat = _get_defeat(request.user, pk)
        response = render(request, "leads/_defeat_item.html", {
            "defeat": defeat, "approve_form": DefeatApproveForm(), "reject_form": DefeatRejectForm(),
        })
        response["HX-Trigger"] = json.dumps({DEFEATS_CHANGED: {"pending": _pending_count(request.user)}})
        return response
    messages.success(request, _("Approval of the defeat of %(name)s undone: the request waits for a decision again.") % {
        "name": defeat.customer.name,
    })
    return redirect_back(request, reverse("leads:defeat_queue"))


@allowed(permissions.may_decide_defeats)
@require_http_methods(["GET", "POST"])
def defeat_reject(request: HttpRequest, pk: int) -> HttpResponse:
    """Back to follow-up with the manager's comment (required; asked first: `confirm=yes`)."""
    defeat = _get_defeat(request.user, pk)
    form = DefeatRejectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not _confirmed(request):
            if not defeat.is_pending:
                return _already_decided(request, defeat, services.TransitionError(_("This defeat request has already been decided.")))
            return _ask(request, defeat, "reject", form, DefeatApproveForm())
        try:
            services.defeat_reject(defeat=defeat, by=request.user, comment=form.cleaned_data["comment"])
        except services.TransitionError as error:
            return _already_decided(request, defeat, error)
        defeat.refresh_from_db()
        return _decided(request, defeat, _("Defeat of %(name)s rejected: back to follow-up.") % {"name": defeat.customer.name})
    return _ask(request, defeat, "", form, DefeatApproveForm())


urlpatterns = [
    path("customers/<int:pk>/defeat/", defeat_create, name="defeat_create"),
    path("defeats/", defeat_queue, name="defeat_queue"),
    path("defeats/count/", defeat_count, name="defeat_count"),
    path("defeats/<int:pk>/approve/", defeat_approve, name="defeat_approve"),
    path("defeats/<int:pk>/approve/undo/", defeat_approve_undo, name="defeat_approve_undo"),
    path("defeats/<int:pk>/reject/", defeat_reject, name="defeat_reject"),
]
