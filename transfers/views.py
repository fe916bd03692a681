"""Transfer pages: the queues, a transfer with its timeline, each step's form, the letter."""

from __future__ import annotations

from typing import Any

from django.views.generic import DetailView

from core.views import ScopedMixin
from transfers.models import Transfer


class TransferDetailView(ScopedMixin, DetailView):
    model = Transfer
    template_name = "transfers/transfer_detail.html"
    context_object_name = "transfer"

    def get_queryset(self) -> Any:
        return super().get_queryset().for_list()
