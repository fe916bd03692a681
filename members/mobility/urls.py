from django.urls import path

from members.mobility import views

urlpatterns = [
    path("check-in/", views.check_in, name="check_in"),
    path("<int:pk>/outflow/", views.OutflowRegisterView.as_view(), name="outflow"),
    path(
        "<int:pk>/episodes/<int:episode_pk>/end/",
        views.EpisodeEndView.as_view(),
        name="end_episode",
    ),
    path(
        "<int:pk>/episodes/<int:episode_pk>/update/",
        views.EpisodeUpdateView.as_view(),
        name="update_episode",
    ),
    path(
        "<int:pk>/episodes/<int:episode_pk>/outside-check-in/",
        views.OutsideCheckInView.as_view(),
        name="outside_check_in",
    ),
    path("<int:pk>/lost/", views.MarkLostView.as_view(), name="mark_lost"),
    path("<int:pk>/finding/new/", views.FindingAttemptCreateView.as_view(), name="finding_new"),
    path("<int:pk>/reports/new/", views.ReportCreateView.as_view(), name="report_new"),
    path("<int:pk>/contacts/new/", views.ContactCreateView.as_view(), name="contact_new"),
]
