from django.urls import path

from education.meetings import views

urlpatterns = [
    path("meetings/", views.meeting_list, name="meetings"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/edit/", views.EditMeetingView.as_view(), name="meeting_edit"),
    path("meetings/<int:pk>/void/", views.VoidMeetingView.as_view(), name="meeting_void"),
    path("meetings/<int:pk>/files/new/", views.AttachFileView.as_view(), name="meeting_attach"),
    path(
        "meetings/<int:pk>/files/<int:file_pk>/",
        views.meeting_attachment,
        name="meeting_attachment",
    ),
    path(
        "meetings/<int:pk>/files/<int:file_pk>/remove/",
        views.meeting_attachment_remove,
        name="meeting_attachment_remove",
    ),
]
