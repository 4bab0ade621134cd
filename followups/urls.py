from django.urls import path

from followups import views

app_name = "followups"

urlpatterns = [
    path("today/", views.today, name="today"),
    path("morning/", views.morning, name="morning"),
    path("tasks/<int:pk>/work/", views.task_work, name="task_work"),
    path("h-list/", views.h_list, name="h_list"),
    path("h-list/add/", views.h_list_add, name="h_list_add"),
    path("h-list/<int:pk>/", views.h_list_entry_edit, name="h_list_entry_edit"),
    path("h-list/<int:pk>/remove/", views.h_list_entry_remove_view, name="h_list_entry_remove"),
    path("rules/", views.rules, name="rules"),
    path("rules/<int:pk>/", views.rule_set_update, name="rule_set_update"),
    path("rules/<int:pk>/copy/", views.rule_set_copy_view, name="rule_set_copy"),
    path("rules/<int:pk>/activate/", views.rule_set_activate_view, name="rule_set_activate"),
]
