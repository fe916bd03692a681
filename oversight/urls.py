"""The oversight app's URLs: each feature package lists its own, all under the "oversight"
namespace."""

from oversight.alerts.urls import urlpatterns as alerts
from oversight.conditions.urls import urlpatterns as conditions
from oversight.handling.urls import urlpatterns as handling
from oversight.reports.urls import urlpatterns as reports
from oversight.runs.urls import urlpatterns as runs

app_name = "oversight"
urlpatterns = [*alerts, *handling, *runs, *reports, *conditions]
