from django.urls import path

from organizations import views

app_name = "organizations"
urlpatterns = [
    path("", views.organization_tree, name="tree"),
    path("<int:pk>/", views.organization_detail, name="detail"),
    path("<int:pk>/subtree/", views.organization_subtree, name="subtree"),
    path("<int:pk>/edit/", views.organization_form, name="edit"),
    path("<int:pk>/new/", views.organization_form, {"creating": True}, name="create"),
]
