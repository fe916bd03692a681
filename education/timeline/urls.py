from django.urls import path

from education.timeline import views

urlpatterns = [
    path("members/<int:pk>/life/", views.member_life, name="member_life"),
]
