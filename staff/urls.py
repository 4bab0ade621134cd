from django.urls import path

from staff import views

app_name = "staff"

urlpatterns = [
    path("handover/", views.handover, name="handover"),
    path("users/<int:pk>/deactivate/", views.user_deactivate, name="user_deactivate"),
]
