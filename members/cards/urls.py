from django.urls import path

from members.cards import views

urlpatterns = [
    path("<int:pk>/cards/", views.FiveCardsView.as_view(), name="five_cards"),
]
