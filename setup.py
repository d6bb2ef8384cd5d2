"""Which files the wheel holds (the metadata is in pyproject.toml).

``templates/`` and ``static/`` stay at the top of the checkout, where people edit them, and are shipped inside the
package as ``calculator/templates`` and ``calculator/static`` by mapping them as package directories.
:mod:`calculator.app` looks for them inside the package first (an installed wheel), then beside it (the checkout,
including an editable install). Everything under them and under ``incentive_tables/`` is shipped, so a new
subfolder cannot be left out of the wheel; so is the production front's nginx template (``calculator/front``).
"""

from setuptools import find_packages, setup

CODE = find_packages(include=["calculator", "calculator.*", "schemas", "incentive_tables"])
ASSETS = {"calculator.templates": "templates", "calculator.static": "static"}

setup(
    packages=[*CODE, *ASSETS],
    package_dir=ASSETS,
    include_package_data=False,  # package_data below is the whole list (no MANIFEST.in, no warnings about folders)
    package_data={
        "incentive_tables": ["**/*.toml"],
        "calculator.i18n": ["translations/*.pot", "translations/*/LC_MESSAGES/*.po"],
        "calculator.front": ["nginx.conf"],  # the production front's template (incentives-serve fills it in)
        **{package: ["**/*"] for package in ASSETS},
    },
)
