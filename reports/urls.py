from django.urls import path

from reports import planning_views, views

app_name = "reports"

urlpatterns = [
    path("daily/", views.daily, name="daily"),
    path("progress/", views.progress, name="progress"),
    path("targets/", views.targets, name="targets"),
    path("targets/save/", views.targets_save, name="targets_save"),
    path("targets/copy/", views.targets_copy, name="targets_copy"),
    path("board/", views.board, name="board"),
    path("defeats/", views.defeats, name="defeats"),
    path("channels/", views.channels, name="channels"),
    path("exports/", views.exports, name="exports"),
    path("actual-vs-target/", views.actual_vs_target_view, name="actual_vs_target"),
    path("history/", views.history_view, name="history"),
    path("morning-meeting.xlsx", views.morning_xlsx, name="morning_xlsx"),
]

# The weekly management loop: improvement actions and success plans.
urlpatterns += planning_views.urlpatterns
