from django.urls import path

from members import card_views, certificate_views, found_views, list_views, views

app_name = "members"
urlpatterns = [
    path("", views.member_list, name="list"),
    path("new/", views.member_create, name="create"),
    path("check-in/", views.check_in, name="check_in"),
    # Found members (members/found_views.py): arrived without an outflow registration.
    path("check-in/found/", found_views.register_found, name="found_member"),
    path("found/", found_views.arrival_list, name="found_list"),
    path("found/new/", found_views.arrival_create, name="found_new"),
    path("found/<int:pk>/close/", found_views.ArrivalCloseView.as_view(), name="found_close"),
    path("found/<int:pk>/match/", found_views.ArrivalMatchView.as_view(), name="found_match"),
    # The mobile members' lists (members/lists.py): one view, one name per list.
    path("mobile/", list_views.mobile_home, name="mobile"),
    *[
        path(f"mobile/{slug}/", list_views.mobile_list, {"slug": slug}, name=slug)
        for slug in list_views.LISTS
    ],
    path("<int:pk>/", views.MemberDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.MemberEditView.as_view(), name="edit"),
    path("<int:pk>/archive/", views.MemberArchiveView.as_view(), name="archive"),
    path("<int:pk>/restore/", views.MemberRestoreView.as_view(), name="restore"),
    path("<int:pk>/id-number/", views.MemberRevealIdView.as_view(), name="reveal_id"),
    path("<int:pk>/cards/", card_views.FiveCardsView.as_view(), name="five_cards"),
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
    path(
        "<int:pk>/certificates/new/",
        certificate_views.MemberCertificateIssueView.as_view(),
        name="certificate_issue",
    ),
    path("certificates/", certificate_views.certificate_register, name="certificates"),
    path(
        "certificates/<int:pk>/",
        certificate_views.CertificateDetailView.as_view(),
        name="certificate",
    ),
    path(
        "certificates/<int:pk>/print/",
        certificate_views.CertificatePrintView.as_view(),
        name="certificate_print",
    ),
    path(
        "certificates/<int:pk>/inflow/",
        certificate_views.CertificateInflowView.as_view(),
        name="certificate_inflow",
    ),
    path(
        "certificates/<int:pk>/departure/",
        certificate_views.CertificateDepartureView.as_view(),
        name="certificate_departure",
    ),
    path(
        "certificates/<int:pk>/check/",
        certificate_views.CertificateCheckView.as_view(),
        name="certificate_check",
    ),
    path(
        "certificates/<int:pk>/revoke/",
        certificate_views.CertificateRevokeView.as_view(),
        name="certificate_revoke",
    ),
    path(
        "certificates/<int:pk>/replace/",
        certificate_views.CertificateReplaceView.as_view(),
        name="certificate_replace",
    ),
]
