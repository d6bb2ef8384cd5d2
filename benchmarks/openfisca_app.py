"""OpenFisca's web API on its country template, as a WSGI app for gunicorn (``benchmarks/peer.py``).

    gunicorn --config python:calculator.gunicorn_conf --preload 'benchmarks.openfisca_app:create_app()'

Needs OpenFisca's web API and country template (``benchmarks/peer.py`` says how to install them).
"""

from __future__ import annotations

from typing import Any


def create_app() -> Any:
    from openfisca_country_template import CountryTaxBenefitSystem
    from openfisca_web_api.app import create_app as openfisca_app

    return openfisca_app(CountryTaxBenefitSystem())
