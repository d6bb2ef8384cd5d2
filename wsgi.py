"""The app for WSGI tools run from the checkout (``flask --app wsgi run``). Production: see README."""

from calculator.app import create_app

app = create_app()
