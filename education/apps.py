from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EducationConfig(AppConfig):
    """Organizational life, attendance and study (a later issue fills this app)."""

    name = "education"
    verbose_name = _("Education and organizational life")
