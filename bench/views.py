"""The benchmark's floor: the cheapest page behind the same middleware and login (one indexed query)."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from leads.models import Customer


@require_GET
def floor(request):
    # One indexed query (customer_consultant_recent), scoped to the user's own customers.
    latest = Customer.objects.filter(consultant_id=request.user.pk).order_by("-created_at").values("pk", "name").first()
    return render(request, "bench/floor.html", {"latest": latest})
