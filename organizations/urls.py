from django.urls import path

from organizations import views

app_name = "organizations"
urlpatterns = [
    path("", views.organization_tree, name="tree"),
    path("<int:pk>/", views.organization_detail, name="detail"),
    path("<int:pk>/subtree/", views.organization_subtree, name="subtree"),
    path("<int:pk>/edit/", views.organization_edit, name="edit"),
    path("<int:parent_pk>/new/", views.organization_create, name="create"),
]
