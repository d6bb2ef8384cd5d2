"""Jinja's template globals with the key view Jinja asks for at every ``{% from … import … %}``.

A template's globals are a :class:`collections.ChainMap` of its own (none here) over the environment's. Each import
in a page (the results page has two: the language switch's and the next questions' widgets) asks which of the page's
global names the imported template lacks, ``ctx.globals_keys - template.globals.keys()``: over a ChainMap's
``KeysView`` that is a Python ``any()`` over both maps for each of some 25 names, every time the page is rendered.
With no globals of its own, the template's keys are the environment's, so its ``keys()`` is the environment
dictionary's own (live) view, whose difference with a set is taken in C; a template with globals of its own is left
to ChainMap.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import KeysView, MutableMapping
from typing import Any

from jinja2 import Environment


class TemplateGlobals(ChainMap[str, Any]):
    """:class:`collections.ChainMap` whose :meth:`keys` is the environment's dictionary view when the template adds
    no globals of its own (the same names, and as live: a global added to the environment later is in it)."""

    def keys(self) -> KeysView[str]:
        maps = self.maps
        if len(maps) == 2 and not maps[0] and type(maps[1]) is dict:
            return maps[1].keys()
        return super().keys()


def install_template_globals(env: Environment) -> None:
    """Templates loaded from now on get :class:`TemplateGlobals` (Jinja's ``make_globals``, with that class)."""

    def make_globals(d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return TemplateGlobals({} if d is None else d, env.globals)

    env.make_globals = make_globals  # type: ignore[method-assign]
