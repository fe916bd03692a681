from django.urls import path

from members.register import views

urlpatterns = [
    path("", views.member_list, name="list"),
    path("new/", views.member_create, name="create"),
    path("<int:pk>/", views.MemberDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.MemberEditView.as_view(), name="edit"),
    path("<int:pk>/archive/", views.MemberArchiveView.as_view(), name="archive"),
    path("<int:pk>/restore/", views.MemberRestoreView.as_view(), name="restore"),
    path("<int:pk>/id-number/", views.MemberRevealIdView.as_view(), name="reveal_id"),
]
