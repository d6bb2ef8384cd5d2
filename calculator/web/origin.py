"""Cross-site form posts are refused before anything reads them, on top of the CSRF token.

A browser says where a request comes from: ``Sec-Fetch-Site`` (every current browser) or, failing that, ``Origin``
(sent with every POST). A state-changing request (anything but GET, HEAD, OPTIONS) to a web page is answered 403
with a page saying what happened when it comes from another site (``cross-site``, or ``same-site``: a sibling
subdomain is another site too), or its ``Origin`` is not this site's host (``null`` included). A request carrying
neither header (an older browser, a script) is left to the CSRF token, as before. The JSON API (``/api/``) has no
cookies to abuse and may be called from other origins (``API_CORS_ORIGINS``): it is not checked here.

The host is compared (name and port), not the scheme: behind the TLS terminator and nginx the app sees plain
HTTP while the browser's ``Origin`` says ``https``.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Request, render_template, request

from calculator.i18n import N_, gettext
from calculator.web.i18n import current_lang

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SAME_SITE = frozenset({"same-origin", "none"})   # "none": the person started it (typed, bookmarked, reloaded)
UNCHECKED = ("/api/",)
DEFAULT_PORTS = {"http": 80, "https": 443}
REFUSED = N_("This form was sent to the calculator from another website, so it was not accepted and nothing "
             "was done. If you meant to send it, open the calculator's own page and fill in the form there.")


def host_and_port(netloc: str, scheme: str | None = None) -> tuple[str, int | None] | None:
    """``(lower-case host, port)`` of ``example.org:8000`` or ``[::1]``; the port is None when not given and no
    ``scheme`` says it. None when unreadable."""
    try:
        parts = urlsplit(f"//{netloc}")
        host, port = parts.hostname, parts.port
    except ValueError:
        return None
    if not host:
        return None
    return host.lower(), port if port is not None else DEFAULT_PORTS.get(scheme or "")


def same_host(origin: str, own_host: str) -> bool:
    """Whether ``Origin`` names this site's host (and port, when the ``Host`` header gives one)."""
    try:
        parts = urlsplit(origin.strip())
    except ValueError:
        return False
    if parts.scheme not in DEFAULT_PORTS or parts.path not in ("", "/"):
        return False
    theirs = host_and_port(parts.netloc, parts.scheme)
    ours = host_and_port(own_host)
    if theirs is None or ours is None:
        return False
    if ours[1] is None:  # no port in Host: the default port of whichever scheme the browser used
        return theirs[0] == ours[0] and theirs[1] == DEFAULT_PORTS[parts.scheme]
    return theirs == ours


def cross_site(req: Request) -> bool:
    """True when a browser says the request comes from another site."""
    site = req.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site.strip().lower() not in SAME_SITE
    origin = req.headers.get("Origin")
    return origin is not None and not same_host(origin, req.host)


def refuse_cross_site() -> tuple[str, int] | None:
    """``before_request``: a cross-site post to a web page gets 403 and a page saying so, in the reader's
    language; anything else goes on (to the CSRF check and the view)."""
    if request.method in SAFE_METHODS or request.path.startswith(UNCHECKED) or not cross_site(request):
        return None
    return render_template("error.html", code=403, message=gettext(REFUSED, current_lang())), 403


def register(app: Flask) -> None:
    """Check origins first: before the CSRF check (registered after this) and every view."""
    app.before_request(refuse_cross_site)
