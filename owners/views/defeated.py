"""Defeated customers (战败客户): the list, and bringing one back as a prospect."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import permissions
from accounts.permissions import allowed
from common.redirects import redirect_back
from owners import forms, selectors, services


@allowed(permissions.may_work_customers)
def defeated_list(request: HttpRequest) -> HttpResponse:
    form = forms.DefeatedFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    defeated = selectors.defeated_for_user(request.user, filters=filters)
    page = Paginator(defeated, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "owners/defeated_list.html", {"form": form, "page": page})


@allowed(permissions.may_work_customers)
@require_POST
def defeated_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    customer = selectors.get_defeated_for_user(request.user, pk)
    services.defeated_reactivate(customer=customer, by=request.user, note=request.POST.get("note", "")[:200])
    messages.success(request, _("%(name)s is a prospect again.") % {"name": customer.name})
    return redirect_back(request, "owners:defeated_list")


urlpatterns = [
    path("defeated/", defeated_list, name="defeated_list"),
    path("defeated/<int:pk>/reactivate/", defeated_reactivate, name="defeated_reactivate"),
]
