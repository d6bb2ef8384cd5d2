"""Loading a profile without running marshmallow's field machinery for the answers it leaves out.

A subject's schema declares about 150 fields and a profile gives a few dozen; marshmallow runs each absent field
through the same calls as a given one (a closure, ``_call_and_store``, ``deserialize``, ``_validate_missing``) only to
store its ``load_default``. :class:`AbsentDefaults` starts from a copy of those defaults, in field order (every
absent field that is not required and whose default is a value, not a callable), and loads only the given answers
and the fields marshmallow must load (required, or a callable default), in field order, storing errors as
``_call_and_store`` does: with the field's ``deserialize``, or, for a field without validators or processors, with
what that comes down to (None when allowed, else the ``null`` error, else ``_deserialize``). Every other case
(``many``, ``partial``, data that is not a mapping, an attribute path with a dot) goes through marshmallow unchanged.
The loaded dictionary, its key order and every error are marshmallow's own (``tests/test_profiles.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from marshmallow import EXCLUDE, INCLUDE, RAISE, Schema, ValidationError, missing
from marshmallow.fields import Field

_UNSET = object()  # a place kept in the template for a field loaded by marshmallow (removed when it gives nothing)


class Plan(NamedTuple):
    """How a schema loads a mapping: the template of defaults, and its fields by data key, in field order."""

    template: dict[str, Any]  # attribute -> default (or _UNSET), in field order
    fields: dict[str, tuple[int, Any, str, Any]]  # data key -> (position, field, attribute, its _deserialize if bare)
    positions: dict[str, int]  # data key -> position (the order the given keys are loaded in)
    through: tuple[str, ...]  # the data keys loaded even when absent
    unset: tuple[str, ...]  # the attributes whose place the template keeps without a value
    plain: bool  # no attribute is a dotted path


def bare(field: Any) -> bool:
    """Whether marshmallow's ``deserialize`` of a given answer comes down to ``_deserialize`` (or None when allowed,
    else the ``null`` error): no validators, no field-level processors, none of those methods overridden."""
    kind = type(field)
    return (kind.deserialize is Field.deserialize and kind._validate is Field._validate
            and kind._validate_missing is Field._validate_missing and not field.validators
            and not field.pre_load and not field.post_load)


class AbsentDefaults(Schema):
    """A schema whose absent, optional fields take their default without marshmallow's per-field calls."""

    _load_plan: Plan

    def plan(self) -> Plan:
        found = self.__dict__.get("_load_plan")
        if found is None:
            template: dict[str, Any] = {}
            by_key: dict[str, tuple[int, Any, str, Any]] = {}
            through: list[str] = []
            for position, (attr_name, field) in enumerate(self.load_fields.items()):
                default = field.load_default
                data_key = field.data_key if field.data_key is not None else attr_name
                attribute = field.attribute or attr_name
                loaded = field.required or callable(default)
                template[attribute] = _UNSET if loaded or default is missing else default
                by_key[data_key] = (position, field, attribute, field._deserialize if bare(field) else None)
                if loaded:
                    through.append(data_key)
            plain = len(template) == len(by_key) and not any("." in name for name in template)
            unset = tuple(name for name, value in template.items() if value is _UNSET)
            positions = {key: entry[0] for key, entry in by_key.items()}
            found = self._load_plan = Plan(template, by_key, positions, tuple(through), unset, plain)
        return found

    def _deserialize(self, data: Any, *, error_store: Any, many: bool = False, partial: Any = None,
                     unknown: Any = RAISE, index: Any = None) -> Any:
        plan = self.plan() if not many and partial is None and isinstance(data, Mapping) else None
        if plan is None or not plan.plain or self.dict_class is not dict:
            return super()._deserialize(data, error_store=error_store, many=many, partial=partial, unknown=unknown,
                                         index=index)
        index = index if self.opts.index_errors else None
        fields = plan.fields
        out = dict(plan.template)
        keys = {*data, *plan.through} if plan.through else data  # a mapping's keys are each given once
        given = sorted(filter(fields.__contains__, keys), key=plan.positions.__getitem__)  # (in C, by int)
        for data_key in given:
            _, field, attribute, read = fields[data_key]
            raw = data.get(data_key, missing)
            try:
                if read is None or raw is missing:
                    value = field.deserialize(raw, data_key, data)
                elif raw is not None:
                    value = read(raw, data_key, data)
                elif field.allow_none:
                    value = None
                else:
                    raise field.make_error("null")
            except ValidationError as error:  # as marshmallow's _call_and_store
                error_store.store_error(error.messages, data_key, index=index)
                value = error.valid_data or missing
            if value is missing:
                del out[attribute]
            else:
                out[attribute] = value
        for name in plan.unset:
            if out.get(name) is _UNSET:
                del out[name]
        if unknown != EXCLUDE:
            for key in set(data) - fields.keys():
                if unknown == INCLUDE:
                    out[key] = data[key]
                elif unknown == RAISE:
                    error_store.store_error([self.error_messages["unknown"]], key, index)
        return out
