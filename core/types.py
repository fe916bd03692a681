"""Request types for views behind login: `request.user` is our User, `request.htmx` is set."""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from core.models import User


class AuthedRequest(HttpRequest):
    user: User
    htmx: HtmxDetails
