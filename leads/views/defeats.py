"""Defeat requests (战败): the consultant files one, the showroom manager approves or rejects it (docs/domain.md, "Order, delivery, defeat, handover")."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import permissions
from accounts.models import User
from accounts.permissions import allowed
from common.redirects import redirect_back
from leads import services
from leads.forms.defeats import DefeatApproveForm, DefeatForm, DefeatRejectForm
from leads.models import Customer, Defeat
from leads.selectors import defeats_to_decide, get_customer_for_user


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


@allowed(permissions.may_decide_defeats)
def defeat_queue(request: HttpRequest) -> HttpResponse:
    defeats = (
        defeats_to_decide(request.user).filter(status=Defeat.Status.PENDING).order_by("filed_at", "pk")
    )
    page = Paginator(defeats, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "leads/defeat_queue.html",
        {"page": page, "approve_form": DefeatApproveForm(), "reject_form": DefeatRejectForm()},
    )


def _decided(request: HttpRequest, defeat: Defeat, message: str) -> HttpResponse:
    if request.htmx:
        return HttpResponse("")
    messages.success(request, message)
    return redirect_back(request, reverse("leads:defeat_queue"))


def _already_decided(request: HttpRequest, defeat: Defeat, error: services.TransitionError) -> HttpResponse:
    if request.htmx:
        return render(request, "leads/_defeat_item_gone.html", {"defeat": defeat, "error": str(error)})
    messages.error(request, str(error))
    return redirect_back(request, reverse("leads:defeat_queue"))


@allowed(permissions.may_decide_defeats)
@require_POST
def defeat_approve(request: HttpRequest, pk: int) -> HttpResponse:
    """The customer becomes defeated; their open follow-ups are cancelled."""
    defeat = _get_defeat(request.user, pk)
    form = DefeatApproveForm(request.POST)
    comment = form.cleaned_data["comment"].strip() if form.is_valid() else ""
    try:
        services.defeat_approve(defeat=defeat, by=request.user, comment=comment)
    except services.TransitionError as error:
        return _already_decided(request, defeat, error)
    return _decided(request, defeat, _("Defeat of %(name)s approved.") % {"name": defeat.customer.name})


@allowed(permissions.may_decide_defeats)
@require_http_methods(["GET", "POST"])
def defeat_reject(request: HttpRequest, pk: int) -> HttpResponse:
    """Back to follow-up with the manager's comment (required)."""
    defeat = _get_defeat(request.user, pk)
    form = DefeatRejectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.defeat_reject(defeat=defeat, by=request.user, comment=form.cleaned_data["comment"])
        except services.TransitionError as error:
            return _already_decided(request, defeat, error)
        return _decided(request, defeat, _("Defeat of %(name)s rejected: back to follow-up.") % {"name": defeat.customer.name})
    context = {"defeat": defeat, "reject_form": form, "approve_form": DefeatApproveForm()}
    if request.htmx:
        return render(request, "leads/_defeat_item.html", context)
    context["next"] = request.POST.get("next") or request.GET.get("next", "")
    return render(request, "leads/defeat_reject.html", context)


urlpatterns = [
    path("customers/<int:pk>/defeat/", defeat_create, name="defeat_create"),
    path("defeats/", defeat_queue, name="defeat_queue"),
    path("defeats/<int:pk>/approve/", defeat_approve, name="defeat_approve"),
    path("defeats/<int:pk>/reject/", defeat_reject, name="defeat_reject"),
]
