"""The one view mixin that applies scope, and the health check."""

from __future__ import annotations

from typing import Any

import redis
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import DetailView
from django_stubs_ext import StrOrPromise

from core.actions import do_record_printout
from core.forms import add_action_errors
from core.models import User
from core.panels import home_page
from core.scoping import Action
from core.types import AuthedRequest


class ScopedMixin(LoginRequiredMixin):
    """Fetch objects only through `Model.objects.visible_to(user, ...)`.

    Anonymous → login page; an object outside the user's scope → 404 (its existence is not
    confirmed); an object the user may see but `scope_action` does not allow → 403.
    """

    model: type[Model]
    scope_action: str = Action.VIEW

    @property
    def actor(self) -> User:
        user = self.request.user  # type: ignore[attr-defined]
        assert isinstance(user, User)  # LoginRequiredMixin has run
        return user

    def scoped(self, action: str = Action.VIEW) -> QuerySet[Any]:
        manager: Any = self.model._default_manager
        scoped: QuerySet[Any] = manager.all().visible_to(self.actor, action)
        return scoped

    def get_queryset(self) -> QuerySet[Any]:
        return self.scoped(Action.VIEW)

    def get_object(self, queryset: QuerySet[Any] | None = None) -> Any:
        obj = super().get_object(queryset)  # type: ignore[misc]
        self.check_object_action(obj)
        return obj

    def check_object_action(self, obj: Model) -> None:
        if (
            self.scope_action != Action.VIEW
            and not self.scoped(self.scope_action).filter(pk=obj.pk).exists()
        ):
            raise PermissionDenied


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    """The user's roles, their notices, and the counts that matter in their scope: the sections
    each app registers on `core.panels.home_page`."""
    return render(request, "home.html", {"panels": home_page.build(request.user)})


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when every configured backing service answers; 503 naming the one that does not."""
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:
        checks["database"] = f"error: {exc.__class__.__name__}"
    redis_url = settings.REDIS_URL or settings.CELERY_BROKER_URL
    # `make run` without Redis uses Kombu's filesystem broker: a folder, nothing to ping.
    if redis_url.startswith(("redis://", "rediss://", "unix://")):
        try:
            redis.Redis.from_url(redis_url, socket_timeout=2, socket_connect_timeout=2).ping()
            checks["redis"] = "ok"
        except Exception as exc:
            checks["redis"] = f"error: {exc.__class__.__name__}"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )


class ScopedActionFormView(ScopedMixin, DetailView[Any]):
    """A form about one object in scope, whose valid POST runs an action.

    GET renders the form; POST validates it and calls `perform` (which calls the action and says
    what it did), then shows the action's refusal on the form or redirects. Subclasses set
    `model`, `scope_action`, `template_name`, `context_object_name` and implement `get_form`,
    `perform` and `get_success_url`.
    """

    def get_form(self, data: Any = None) -> forms.BaseForm:
        raise NotImplementedError

    def perform(self, form: Any) -> None:
        raise NotImplementedError

    def get_success_url(self) -> str:
        raise NotImplementedError

    #: Said once the action is done (see `get_success_message`).
    success_message: StrOrPromise = ""

    def get_success_message(self) -> str:
        return str(self.success_message)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = self.get_object()
        return self.render_form(self.get_form())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = self.get_object()
        form = self.get_form(request.POST)
        if form.is_valid():
            try:
                self.perform(form)
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                if message := self.get_success_message():
                    messages.success(request, message)
                return redirect(self.get_success_url())
        return self.render_form(form)

    def render_form(self, form: forms.BaseForm) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form))


# Printed documents carry a member's particulars, some the full ID-card number: no copy is
# kept by the browser or a proxy (issue 9, item 19).
@method_decorator(never_cache, name="dispatch")
class PrintView(ScopedMixin, DetailView[Any]):
    """A printable document about one object in scope. Opening it is a printout, recorded
    through an action before the page renders (`printout` says what was printed)."""

    def printout(self) -> tuple[Model, str, dict[str, Any]]:
        """(the record filed under, the audit event, its details) for `self.object`."""
        raise NotImplementedError

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = self.get_object()
        instance, event, details = self.printout()
        do_record_printout(actor=self.actor, instance=instance, event=event, details=details)
        return self.render_to_response(self.get_context_data(object=self.object))
