"""The benchmark server's URLs: the product's, plus the floor page (never served in production)."""

from django.urls import path

from bench.views import floor
from crm_project.urls import urlpatterns as product_urlpatterns

urlpatterns = [*product_urlpatterns, path("bench/floor/", floor, name="bench_floor")]
