from django.urls import path

from transfers import views

app_name = "transfers"
urlpatterns = [
    path("<int:pk>/", views.TransferDetailView.as_view(), name="detail"),
]
