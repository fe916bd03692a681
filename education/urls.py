"""The education app's URLs: each feature package lists its own, all under the "education"
namespace."""

from education.attendance.urls import urlpatterns as attendance
from education.compliance.urls import urlpatterns as compliance
from education.evaluation.urls import urlpatterns as evaluation
from education.meetings.urls import urlpatterns as meetings
from education.study.urls import urlpatterns as study
from education.timeline.urls import urlpatterns as timeline

app_name = "education"
urlpatterns = [*meetings, *attendance, *timeline, *compliance, *evaluation, *study]
