from django.urls import path

from members.dues.rates import views

urlpatterns = [
    path("dues/rates/", views.rates, name="dues_rates"),
    path("dues/rates/new/", views.rates_new, name="dues_rates_new"),
]
