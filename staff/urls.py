from django.urls import path

from staff import views

app_name = "staff"

urlpatterns = [
    path("", views.staff_list, name="staff_list"),
    path("<int:pk>/", views.holder_book, name="holder_book"),
    path("handover/", views.handover, name="handover"),
    path("users/<int:pk>/deactivate/", views.user_deactivate, name="user_deactivate"),
]
