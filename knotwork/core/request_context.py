"""Where the current request came from, for audit rows written deep inside services."""

from __future__ import annotations

import uuid
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class Origin:
    request_id: uuid.UUID | None
    ip_address: str | None


_current: ContextVar[Origin | None] = ContextVar("knotwork_origin", default=None)


def current_origin() -> Origin:
    return _current.get() or Origin(request_id=None, ip_address=None)


def set_origin(origin: Origin | None) -> object:
    return _current.set(origin)


def reset_origin(token: object) -> None:
    _current.reset(token)  # type: ignore[arg-type]
