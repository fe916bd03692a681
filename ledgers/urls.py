from django.urls import path

from ledgers import views

app_name = "ledgers"

urlpatterns = [
    path("exports/", views.job_list, name="jobs"),
    path("exports/<uuid:pk>/", views.job, name="job"),
    path("exports/<uuid:pk>/download/", views.download, name="download"),
    path("<slug:key>/", views.export, name="export"),
]
