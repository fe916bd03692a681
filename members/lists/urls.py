from django.urls import path

from members.lists import views
from members.lists.queries import LISTS

# One view, one name per list.
urlpatterns = [
    path("mobile/", views.mobile_home, name="mobile"),
    *[path(f"mobile/{slug}/", views.mobile_list, {"slug": slug}, name=slug) for slug in LISTS],
]
