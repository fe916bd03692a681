from django.urls import path

from members.found import views

urlpatterns = [
    path("check-in/found/", views.register_found, name="found_member"),
    path("found/", views.arrival_list, name="found_list"),
    path("found/new/", views.arrival_create, name="found_new"),
    path("found/<int:pk>/close/", views.ArrivalCloseView.as_view(), name="found_close"),
    path("found/<int:pk>/match/", views.ArrivalMatchView.as_view(), name="found_match"),
]
