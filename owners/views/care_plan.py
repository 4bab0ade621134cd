"""The care plan: the milestones after delivery that create the owners' care tasks."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.permissions import allowed
from owners import forms
from owners.models import CareMilestone


@allowed(permissions.may_edit_care_plan)
def milestone_edit(request: HttpRequest) -> HttpResponse:
    formset = forms.MilestoneFormSet(request.POST or None, queryset=CareMilestone.objects.all())
    if request.method == "POST" and formset.is_valid():
        formset.save()
        messages.success(request, _("Care plan saved."))
        return redirect("owners:milestone_edit")
    return render(request, "owners/milestone_edit.html", {"formset": formset})


urlpatterns = [
    path("care-plan/", milestone_edit, name="milestone_edit"),
]
