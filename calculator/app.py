"""The Flask application factory. Surfaces only translate: every answer comes from :mod:`calculator.service`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask

from calculator import api as api_surface
from calculator import config as settings
from calculator import web
from calculator.engine import load_catalogue
from calculator.service import service_for
from calculator.web import health

PACKAGE_DIR = Path(__file__).resolve().parent
SYNC_KEPT = 256  # functions whose kind is remembered (the app's hooks and views: a few dozen)


class IncentivesApp(Flask):
    """Flask, remembering which functions are plain ``def`` functions: Flask asks :meth:`ensure_sync` of every hook
    and view at every request (``inspect.iscoroutinefunction``, about a dozen times a request), and a function does
    not change kind. A coroutine function is still wrapped by Flask each time (there are none here)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._plain: dict[Any, bool] = {}
        super().__init__(*args, **kwargs)

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        plain = self._plain
        try:
            if func in plain:
                return func
        except TypeError:  # a callable that cannot be a key: asked every time
            return super().ensure_sync(func)
        wrapped = super().ensure_sync(func)
        if wrapped is func:
            if len(plain) >= SYNC_KEPT:
                plain.clear()
            plain[func] = True
        return wrapped


def asset_dir(name: str) -> Path:
    """``templates`` or ``static``: inside the package in an installed wheel, else beside it in the checkout."""
    packaged = PACKAGE_DIR / name
    return packaged if packaged.is_dir() else PACKAGE_DIR.parent / name


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app: defaults, then ``INCENTIVES_*`` environment variables, then ``test_config``.

    The rule tables are loaded and compiled here, once: a broken table stops start-up, never a request.
    """
    app = IncentivesApp(__name__, template_folder=asset_dir("templates"), static_folder=asset_dir("static"))
    app.config.from_mapping(settings.DEFAULTS)
    settings.from_environment(app.config)
    if test_config:
        app.config.update(test_config)
    settings.finish(app.config)
    app.extensions["catalogue"] = load_catalogue(app.config["TABLES_DIR"])
    app.extensions["service"] = service_for(app.extensions["catalogue"])  # what every surface calls
    for register in BLUEPRINTS:
        register(app)
    return app


def catalogue(app: Flask) -> Any:
    """The catalogue loaded at start-up."""
    return app.extensions["catalogue"]


# Each surface adds one registration function here (web pages, API, batch…).
BLUEPRINTS: list[Any] = [web.register, api_surface.register]
BLUEPRINTS.append(health.register)


def _register_batch(app: Flask) -> None:
    from calculator.web import batch

    batch.register(app)


BLUEPRINTS.append(_register_batch)
