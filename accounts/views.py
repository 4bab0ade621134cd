from django.shortcuts import render

from accounts.navigation import nav_for


def home(request):
    return render(request, "accounts/home.html", {"shortcuts": nav_for(request.user)[1:]})
