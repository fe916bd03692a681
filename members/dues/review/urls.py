from django.urls import path

from members.dues.review import views

urlpatterns = [
    path("dues/review/", views.review, name="dues_review"),
]
