"""Templates' ``url_for``: Flask's, with each page link built once (a results page builds some 15 of them).

A link kept names an endpoint with only its language, a subject kind or a static file (:data:`KEYS`), never
anything of a user's (a batch job's id is a secret that must not outlive its job), and the URL map is fixed once the
app runs, so the URL Flask builds for (script root, endpoint, values) is the same on every request: it is kept per
app. Any other link (other values, one of ``url_for``'s own options such as an anchor or an external address, values
that cannot be a key), a link outside a request, or in an app with ``url_defaults`` functions, is built by Flask as
it is each time.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, has_request_context, request, url_for

KEPT = 512  # links kept per app (a bound: templates build a few dozen kinds)
KEYS = frozenset({"lang", "kind", "filename"})  # the only values a kept link has


def page_url(endpoint: str, /, **values: Any) -> str:
    """``url_for(endpoint, **values)`` (see the module's docstring)."""
    if not has_request_context():
        return url_for(endpoint, **values)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if endpoint[:1] == "." or not KEYS.issuperset(values) or any(app.url_default_functions.values()):
        return url_for(endpoint, **values)
    try:
        key = (request.script_root, endpoint, *values.items())
        kept: dict[tuple[Any, ...], str] = app.extensions.setdefault("page_urls", {})
        found = kept.get(key)
    except TypeError:  # a value that cannot be a key
        return url_for(endpoint, **values)
    if found is None:
        if len(kept) >= KEPT:
            kept.clear()
        found = kept[key] = url_for(endpoint, **values)
    return found
