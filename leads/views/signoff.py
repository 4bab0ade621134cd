"""The showroom manager's sign-off queue (签字确认) and the consultant's returned cards (docs/domain.md, "Grades")."""

from datetime import datetime, time

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import BooleanField, Count, ExpressionWrapper, OuterRef, Q, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import permissions
from accounts.permissions import allowed
from common.redirects import redirect_back, safe_next
from leads import services
from leads.forms.signoff import CardReturnForm
from leads.models import Customer, CustomerChange
from leads.selectors import get_customer_for_user, pending_cards_for, returned_cards_for


def start_of_today() -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localdate(), time.min))


def _with_queue_marks(queryset: QuerySet[Customer]) -> QuerySet[Customer]:
    """`carried_over`: the card was created before today and is still not signed."""
    return queryset.select_related("consultant__team").annotate(
        carried_over=ExpressionWrapper(Q(created_at__lt=start_of_today()), output_field=BooleanField())
    )


@allowed(permissions.may_sign_cards)
def signoff_queue(request: HttpRequest) -> HttpResponse:
    cards = _with_queue_marks(pending_cards_for(request.user)).order_by("created_at", "pk")
    page = Paginator(cards, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    carried_over = pending_cards_for(request.user).aggregate(n=Count("pk", filter=Q(created_at__lt=start_of_today())))["n"]
    return render(
        request,
        "leads/signoff_queue.html",
        {"page": page, "carried_over": carried_over, "return_form": CardReturnForm()},
    )


def _row_response(request: HttpRequest, customer: Customer, form: CardReturnForm) -> HttpResponse:
    return render(request, "leads/_signoff_row.html", {"card": customer, "return_form": form})


@allowed(permissions.may_sign_cards)
@require_POST
def card_sign(request: HttpRequest, pk: int) -> HttpResponse:
    customer = get_customer_for_user(request.user, pk)
    services.card_sign(customer=customer, by=request.user)
    if request.htmx:
        return HttpResponse("")
    messages.success(request, _("Card of %(name)s signed.") % {"name": customer.name})
    return redirect_back(request, reverse("leads:signoff_queue"))


@allowed(permissions.may_sign_cards)
@require_http_methods(["GET", "POST"])
def card_return(request: HttpRequest, pk: int) -> HttpResponse:
    customer = get_customer_for_user(request.user, pk, queryset=_with_queue_marks(Customer.objects.all()))
    form = CardReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.card_return(customer=customer, by=request.user, comment=form.cleaned_data["comment"])
        except services.TransitionError as error:
            if request.htmx:
                return render(request, "leads/_signoff_row_gone.html", {"card": customer, "error": str(error)})
            messages.error(request, str(error))
        else:
            if request.htmx:
                return HttpResponse("")
            messages.success(request, _("Card of %(name)s returned to %(consultant)s.") % {
                "name": customer.name, "consultant": customer.consultant,
            })
        return redirect_back(request, reverse("leads:signoff_queue"))
    if request.htmx:
        return _row_response(request, customer, form)
    return render(request, "leads/signoff_return.html", {"card": customer, "form": form, "next": safe_next(request) or ""})


@allowed(permissions.may_work_customers)
def returned_cards(request: HttpRequest) -> HttpResponse:
    """Cards sent back with the manager's comment, waiting to be fixed (the consultant's own; a manager's team)."""
    last_return = CustomerChange.objects.filter(
        customer=OuterRef("pk"), field=CustomerChange.Field.CARD, new_value=Customer.CardStatus.RETURNED
    ).order_by("-changed_at", "-id")
    cards = returned_cards_for(request.user).annotate(
        returned_at=Subquery(last_return.values("changed_at")[:1])
    ).order_by("-returned_at", "-pk")
    page = Paginator(cards, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "leads/signoff_returned.html", {"page": page})


urlpatterns = [
    path("signoff/", signoff_queue, name="signoff_queue"),
    path("signoff/returned/", returned_cards, name="returned_cards"),
    path("customers/<int:pk>/sign/", card_sign, name="card_sign"),
    path("customers/<int:pk>/return/", card_return, name="card_return"),
]
