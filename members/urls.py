from django.urls import path

from members import views

app_name = "members"
urlpatterns = [
    path("", views.member_list, name="list"),
    path("new/", views.member_create, name="create"),
    path("check-in/", views.check_in, name="check_in"),
    path("<int:pk>/", views.MemberDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.MemberEditView.as_view(), name="edit"),
    path("<int:pk>/archive/", views.MemberArchiveView.as_view(), name="archive"),
    path("<int:pk>/restore/", views.MemberRestoreView.as_view(), name="restore"),
    path("<int:pk>/id-number/", views.MemberRevealIdView.as_view(), name="reveal_id"),
    path("<int:pk>/lost/", views.MarkLostView.as_view(), name="mark_lost"),
    path("<int:pk>/finding/new/", views.FindingAttemptCreateView.as_view(), name="finding_new"),
    path("<int:pk>/reports/new/", views.ReportCreateView.as_view(), name="report_new"),
    path("<int:pk>/contacts/new/", views.ContactCreateView.as_view(), name="contact_new"),
    path("<int:pk>/outflow/", views.OutflowRegisterView.as_view(), name="outflow"),
    path(
        "<int:pk>/episodes/<int:episode_pk>/end/",
        views.EpisodeEndView.as_view(),
        name="end_episode",
    ),
]
