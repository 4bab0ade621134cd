from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from crm_project import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("leads/", include("leads.urls")),
    path("followups/", include("followups.urls")),
    path("owners/", include("owners.urls")),
    path("staff/", include("staff.urls")),
    path("reports/", include("reports.urls")),
    # The login page offers the language switch too.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
]
