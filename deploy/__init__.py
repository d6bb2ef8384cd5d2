"""The production front (nginx in front of gunicorn): configuration template, page rendering, the serve command."""
