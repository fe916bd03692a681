"""The members app's URLs: each feature package lists its own, all under the "members"
namespace (the names are the app's, whichever package serves them)."""

from members.cards.urls import urlpatterns as cards
from members.certificates.urls import urlpatterns as certificates
from members.dues.urls import urlpatterns as dues
from members.found.urls import urlpatterns as found
from members.lists.urls import urlpatterns as lists
from members.mobility.urls import urlpatterns as mobility
from members.register.urls import urlpatterns as register
from members.standing.urls import urlpatterns as standing

app_name = "members"
urlpatterns = [*register, *mobility, *found, *lists, *certificates, *standing, *cards, *dues]
