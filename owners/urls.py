from django.urls import path

from owners import views

app_name = "owners"

urlpatterns = [
    path("", views.owner_list, name="owner_list"),
    path("new/", views.owner_create, name="owner_create"),
    path("<int:pk>/", views.owner_detail, name="owner_detail"),
    path("<int:pk>/add/<slug:kind>/", views.owner_item_add, name="owner_item_add"),
    path("deliver/<int:pk>/", views.delivery_record, name="delivery_record"),
    path("defeated/", views.defeated_list, name="defeated_list"),
    path("defeated/<int:pk>/reactivate/", views.defeated_reactivate, name="defeated_reactivate"),
    path("handover/", views.handover, name="handover"),
    path("users/<int:pk>/deactivate/", views.user_deactivate, name="user_deactivate"),
    path("import/", views.import_upload, name="import_upload"),
    path("import/confirm/", views.import_confirm, name="import_confirm"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("care-plan/", views.milestone_edit, name="milestone_edit"),
]
