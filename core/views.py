"""The one view mixin that applies scope, and the health check."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Model, QuerySet
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.models import User
from core.scoping import Action


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
        return manager.all().visible_to(self.actor, action)

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
    if redis_url:
        try:
            import redis

            redis.Redis.from_url(redis_url, socket_timeout=2, socket_connect_timeout=2).ping()
            checks["redis"] = "ok"
        except Exception as exc:
            checks["redis"] = f"error: {exc.__class__.__name__}"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )
