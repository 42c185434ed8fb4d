"""The importer's cell errors in the reader's language.

The pure importer package (``sqms.surveys.importers``) has no Django and writes English; every
cell error carries a ``code`` and its parameters, so the pages translate it here.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from sqms.surveys.importers import CellError


def cell_error_text(error: CellError) -> str:
    """The error of one cell, naming its row and column, in the active language."""
    p: dict[str, Any] = {"line": error.line, "column": error.column, **error.params}
    for key in ("value",):
        if key in p:
            p[key] = str(p[key])
    templates = {
        "out_of_range": _(
            "row %(line)s, column %(column)s: score %(value)s is outside %(min)s–%(max)s"
        ),
        "not_a_number": _("row %(line)s, column %(column)s: “%(value)s” is not a number"),
        "unknown_option": _(
            "row %(line)s, column %(column)s: “%(value)s” is not one of the answer options"
        ),
        "bad_date": _("row %(line)s, column %(column)s: “%(value)s” is not a date"),
        "missing_meta": _("row %(line)s, column %(column)s: required %(field)s is missing"),
    }
    template = templates.get(error.code)
    if template is None:
        return error.message
    try:
        return template % p
    except (KeyError, TypeError, ValueError):
        return error.message
