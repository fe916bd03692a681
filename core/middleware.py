"""Middleware: Chinese-first language choice; a new account must choose its password first."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import check_for_language


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


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """The interface is Chinese unless the user chose another language with the switch.

    Django's own middleware follows the browser's Accept-Language, so an office computer with
    an English browser would show English; our users expect Chinese, and English is opt-in.
    """

    def process_request(self, request: HttpRequest) -> None:
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if language not in dict(settings.LANGUAGES) or not check_for_language(language):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
