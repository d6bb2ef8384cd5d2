"""Several projects of one kind in one profile: one answer per project for a field that a program pays per project
(the tier each government-scenario project was scored into), read as the field itself reads one answer.

Given as a list (``["max_5m", "max_3m", "unknown"]``) or as text with one answer per project separated by ``;``
(``"max_5m; max_3m; unknown"``, names in either language too), so every surface (form, API, batch cell) takes it.
At most :data:`MAX_PROJECTS` projects; an unknown answer is a project whose answer is not known yet.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from marshmallow import ValidationError, fields

from schemas.bounds import MAX_LIST_TEXT, capped
from schemas.fields import Code, TriState
from schemas.messages import Msg

MAX_PROJECTS = 20
SEPARATOR = re.compile(r"[;；\n]")


class ProjectAnswers(list[Any]):
    """The answers, one per project (None: unknown), written back as people type them: ``max_5m; unknown``."""

    def __str__(self) -> str:
        return "; ".join("unknown" if v is None else str(v) for v in self)


class ProjectValues(fields.Field[list[Any] | None]):
    """One answer per project, each read by ``inner`` (a profile field type); ``None`` for a project whose answer is
    unknown. Blank or "unknown" is no answer (one project, as the single field asks); "none" / 无 is no project."""

    def __init__(self, inner: fields.Field[Any], *, max_items: int = MAX_PROJECTS, **kwargs: Any) -> None:
        self.inner = inner
        self.max_items = max_items
        self.table = getattr(inner, "table", None)
        kwargs.setdefault("allow_none", True)
        kwargs.setdefault("load_default", None)
        super().__init__(**kwargs)

    def _bind_to_schema(self, field_name: str, parent: Any) -> None:
        super()._bind_to_schema(field_name, parent)
        self.inner = copy.deepcopy(self.inner)  # as marshmallow's List: a fresh inner, whose root is this schema
        self.inner._bind_to_schema(field_name, self)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> list[Any] | None:
        if isinstance(value, str):
            text = capped(value, MAX_LIST_TEXT).strip()
            if text.lower() in TriState.UNKNOWN:
                return None
            if text.lower() in ("none", "无", "没有"):
                return ProjectAnswers()
            value = [part.strip() for part in SEPARATOR.split(text)]
        if not isinstance(value, list | tuple):
            raise ValidationError(Msg("not_list"))
        if len(value) > self.max_items:
            raise ValidationError(Msg("too_many_projects", max=self.max_items))
        out: list[Any] = []
        errors: dict[int, Any] = {}
        for index, item in enumerate(value):
            try:
                out.append(self.one(item))
            except ValidationError as exc:
                errors[index] = exc.messages
        if errors:
            raise ValidationError(errors)
        return ProjectAnswers(out)

    def one(self, item: Any) -> Any:
        """One project's answer: None when unknown, else what ``inner`` reads (a code must be one of its table's)."""
        if item is None or (isinstance(item, str) and item.strip().lower() in TriState.UNKNOWN):
            return None
        found = self.inner.deserialize(item)
        if isinstance(self.inner, Code) and found is not None:
            allowed = (getattr(self.root, "choices", None) or {}).get(self.table)
            if allowed is not None and found not in allowed:
                raise ValidationError(Msg("not_choice", choices=", ".join(sorted(allowed))))
        return found

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else str(ProjectAnswers(value))
