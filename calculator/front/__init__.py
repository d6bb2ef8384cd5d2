"""The production front: nginx in front of gunicorn's sync workers, shipped in the package so an installed wheel
serves as the checkout does (``incentives-serve`` or ``python -m calculator.front``; :mod:`calculator.front.serve`).
The nginx template (``nginx.conf``) is package data; :mod:`calculator.front.files` fills it in and renders nginx's
own answers."""
