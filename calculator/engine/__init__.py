"""The rules engine: load and compile rule tables once, evaluate profiles, explain every result.

Pure Python: no Flask here. Surfaces (CLI, web, API, workbook, batch) call :func:`assess` and render
the :class:`~calculator.engine.model.Assessment` (or its JSON document from :mod:`.report`).
"""

from calculator.engine.evaluate import assess
from calculator.engine.loader import TableError, load_catalogue
from calculator.engine.model import Assessment, Catalogue

__all__ = ["Assessment", "Catalogue", "TableError", "assess", "load_catalogue"]
