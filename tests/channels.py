"""A notification channel that records what it is given: the edge of the world in tests."""

from __future__ import annotations

from organizations.notices import Message

SENT: list[Message] = []


class RecordingChannel:
    def send(self, message: Message) -> None:
        SENT.append(message)


class BrokenChannel:
    def send(self, message: Message) -> None:
        raise ConnectionError("SMS gateway down")
