"""Middleware: a user whose account an officer just created must choose a password first."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse


class PasswordChangeRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "must_change_password", False)
        ):
            allowed = {reverse("password_change"), reverse("logout"), reverse("healthz")}
            if request.path not in allowed and not request.path.startswith(("/static/", "/i18n/")):
                return redirect("password_change")
        return self.get_response(request)
