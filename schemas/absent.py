"""Loading a profile without running marshmallow's field machinery for the answers it leaves out.

A subject's schema declares about 150 fields and a profile gives a few dozen; marshmallow runs each absent field
through the same calls as a given one (a closure, ``_call_and_store``, ``deserialize``, ``_validate_missing``) only to
store its ``load_default``. :class:`AbsentDefaults` stores that default directly, in field order, for each absent
field that is not required and whose default is a value (not a callable); every given answer, every required field
and every other case (``many``, ``partial``, data that is not a mapping) goes through marshmallow unchanged. The
loaded dictionary, its key order and every error are marshmallow's own (``tests/test_profiles.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import EXCLUDE, INCLUDE, RAISE, Schema, missing
from marshmallow.utils import set_value

_THROUGH = object()  # an absent field that marshmallow must load (required, or a callable default)


class AbsentDefaults(Schema):
    """A schema whose absent, optional fields take their default without marshmallow's per-field calls."""

    _plan: list[tuple[str, Any, str, Any]]  # (data key, field, attribute, default or _THROUGH), in field order
    _data_keys: frozenset[str]

    def plan(self) -> list[tuple[str, Any, str, Any]]:
        found = self.__dict__.get("_plan")
        if found is None:
            found = []
            for attr_name, field in self.load_fields.items():
                default = field.load_default
                through = field.required or callable(default)
                found.append((field.data_key if field.data_key is not None else attr_name, field,
                              field.attribute or attr_name, _THROUGH if through else default))
            self._data_keys = frozenset(key for key, _, _, _ in found)
            self._plan = found
        return found

    def _deserialize(self, data: Any, *, error_store: Any, many: bool = False, partial: Any = None,
                     unknown: Any = RAISE, index: Any = None) -> Any:
        if many or partial is not None or not isinstance(data, Mapping):
            return super()._deserialize(data, error_store=error_store, many=many, partial=partial, unknown=unknown,
                                         index=index)
        index = index if self.opts.index_errors else None
        plan = self.plan()
        out = self.dict_class()
        for data_key, field, attribute, default in plan:
            raw = data.get(data_key, missing)
            if raw is missing and default is not _THROUGH:
                if default is not missing:
                    set_value(out, attribute, default)
                continue

            def getter(value: Any, field: Any = field, data_key: str = data_key) -> Any:
                return field.deserialize(value, data_key, data)

            store = self._call_and_store
            value = store(getter_func=getter, data=raw, field_name=data_key,  # type: ignore[no-untyped-call]
                          error_store=error_store, index=index)
            if value is not missing:
                set_value(out, attribute, value)
        if unknown != EXCLUDE:
            for key in set(data) - self._data_keys:
                if unknown == INCLUDE:
                    out[key] = data[key]
                elif unknown == RAISE:
                    error_store.store_error([self.error_messages["unknown"]], key, index)
        return out
