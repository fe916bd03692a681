"""The floor views' URLconf (benchmarks/floor.py): served only by the floor's test client, never
part of the application's URLconf."""

from django.urls import path

from benchmarks import floor

urlpatterns = [
    path("members/<str:scope>/", floor.members),
    path("organizations/<str:scope>/", floor.tree),
    path("mobile/away/<str:scope>/", floor.away),
]
