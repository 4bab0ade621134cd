"""Each page module under owners/views/ lists its own urlpatterns; they are joined here."""

from owners.views import care_plan, defeated, imports, owners

app_name = "owners"

urlpatterns = owners.urlpatterns + defeated.urlpatterns + imports.urlpatterns + care_plan.urlpatterns
