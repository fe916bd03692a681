"""Request types for views behind login: `request.user` is our User, `request.htmx` is set."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from core.models import User

#: Whoever asks: a staff user, or nobody logged in (scope answers "nothing" for them).
AnyUser = User | AnonymousUser


class AuthedRequest(HttpRequest):
    user: User
    htmx: HtmxDetails
