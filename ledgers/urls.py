from django.urls import path

from ledgers import import_views, views

app_name = "ledgers"

urlpatterns = [
    path("exports/", views.job_list, name="jobs"),
    path("exports/<uuid:pk>/", views.job, name="job"),
    path("exports/<uuid:pk>/download/", views.download, name="download"),
    path("imports/<uuid:pk>/", import_views.batch, name="import_batch"),
    path("imports/<uuid:pk>/confirm/", import_views.confirm, name="import_confirm"),
    path("import/<slug:key>/", import_views.import_page, name="import"),
    path("import/<slug:key>/template/", import_views.template, name="import_template"),
    path("<slug:key>/", views.export, name="export"),
]
