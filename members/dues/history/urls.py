"""Dues: a member's history, a payment, the standard, voiding a payment."""

from django.urls import path

from members.dues.history import views

urlpatterns = [
    path("<int:pk>/dues/", views.MemberDuesView.as_view(), name="member_dues"),
    path("<int:pk>/dues/pay/", views.PayDuesView.as_view(), name="dues_pay"),
    path("<int:pk>/dues/standard/", views.SetStandardView.as_view(), name="dues_standard"),
    path("dues/payments/<int:pk>/void/", views.VoidPaymentView.as_view(), name="dues_void"),
]
