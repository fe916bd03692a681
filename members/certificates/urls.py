from django.urls import path

from members.certificates import views

urlpatterns = [
    path(
        "<int:pk>/certificates/new/",
        views.MemberCertificateIssueView.as_view(),
        name="certificate_issue",
    ),
    path("certificates/", views.certificate_register, name="certificates"),
    path(
        "certificates/unchecked/",
        views.certificates_unchecked,
        name="certificates_unchecked",
    ),
    path("certificates/<int:pk>/", views.CertificateDetailView.as_view(), name="certificate"),
    path(
        "certificates/<int:pk>/print/",
        views.CertificatePrintView.as_view(),
        name="certificate_print",
    ),
    path(
        "certificates/<int:pk>/inflow/",
        views.CertificateInflowView.as_view(),
        name="certificate_inflow",
    ),
    path(
        "certificates/<int:pk>/departure/",
        views.CertificateDepartureView.as_view(),
        name="certificate_departure",
    ),
    path(
        "certificates/<int:pk>/check/",
        views.CertificateCheckView.as_view(),
        name="certificate_check",
    ),
    path(
        "certificates/<int:pk>/revoke/",
        views.CertificateRevokeView.as_view(),
        name="certificate_revoke",
    ),
    path(
        "certificates/<int:pk>/replace/",
        views.CertificateReplaceView.as_view(),
        name="certificate_replace",
    ),
]
