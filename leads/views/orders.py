"""Cancelling an order (退订): the customer goes back to follow-up with the grade the consultant gives."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import permissions
from accounts.models import User
from accounts.permissions import allowed
from accounts.visibility import scope_to_user
from leads import services
from leads.forms.orders import OrderCancelForm
from leads.models import Customer, Order


def _get_order(user: User, pk: int) -> Order:
    """The order, or 404 if it does not exist or its customer is not the user's to see."""
    orders = Order.objects.select_related("customer", "car_model", "colour", "cancellation")
    try:
        return scope_to_user(orders, user, consultant_field="customer__consultant").get(pk=pk)
    except Order.DoesNotExist:
        raise Http404


@allowed(permissions.may_work_customers)
@require_http_methods(["GET", "POST"])
def order_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    order = _get_order(request.user, pk)
    customer = order.customer
    needs_grade = not services.orders_open(customer).exclude(pk=order.pk).exists()
    form = OrderCancelForm(
        request.POST or None, needs_grade=needs_grade, initial={"grade": Customer.Grade.N}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.order_cancel(
                order=order, by=request.user, reason=form.cleaned_data["reason"],
                deposit_refunded=form.cleaned_data["deposit_refunded"], grade=form.cleaned_data.get("grade", ""),
            )
        except services.TransitionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Order of %(name)s cancelled.") % {"name": customer.name})
            return redirect("leads:customer_detail", pk=customer.pk)
    return render(request, "leads/order_cancel.html", {"order": order, "customer": customer, "form": form})


urlpatterns = [
    path("orders/<int:pk>/cancel/", order_cancel, name="order_cancel"),
]
