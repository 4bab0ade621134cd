"""Each page module under leads/views/ lists its own urlpatterns; they are joined here."""

from leads.views import codelists, customers, defeats, orders, registers, signoff

app_name = "leads"

urlpatterns = (
    registers.urlpatterns + customers.urlpatterns + signoff.urlpatterns + defeats.urlpatterns + orders.urlpatterns
    + codelists.urlpatterns
)
