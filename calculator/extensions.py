"""Flask extensions, created here and bound in the app factory."""

from __future__ import annotations

from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
