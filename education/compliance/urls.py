from django.urls import URLPattern, path

from education.compliance import views

urlpatterns: list[URLPattern] = [
    path("compliance/", views.compliance_table_page, name="compliance"),
    path("compliance/<int:pk>/", views.compliance_org_page, name="compliance_org"),
]
