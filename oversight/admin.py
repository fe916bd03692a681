"""The admin reads oversight's records; changes go through the actions and pages."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin
from oversight.models import Alert, NightlyRun

admin.site.register(Alert, ReadOnlyAdmin)
admin.site.register(NightlyRun, ReadOnlyAdmin)
