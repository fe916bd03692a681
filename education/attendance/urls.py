from django.urls import path

from education.attendance import views

urlpatterns = [
    path("meetings/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("meetings/<int:pk>/sign-in/open/", views.sign_in_open, name="sign_in_open"),
    path("meetings/<int:pk>/sign-in/close/", views.sign_in_close, name="sign_in_close"),
    path("sign-in/", views.sign_in, name="sign_in"),
    path("groups/", views.groups, name="groups"),
    path("groups/<int:pk>/", views.group, name="group"),
    path("groups/<int:pk>/add/", views.group_add, name="group_add"),
    path("groups/memberships/<int:pk>/end/", views.group_end, name="group_end"),
]
