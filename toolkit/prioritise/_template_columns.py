"""What a criteria template's header problems say, and how to fix them.

A column of the filled template that is not one of its columns is either a renamed
column ("Community voice" for ``community_voice``: :func:`unexpected_column` suggests the
name back) or one the analyst added (advice: delete it, or move its text to ``notes``);
:func:`criteria_hint` says when the file holds the criteria of the other kind of template.
Used by :func:`toolkit.prioritise.templates.read_criteria_scores`, which words the same in
Python and at the command line (no argument of either is named alone).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from toolkit._words import listed
from toolkit.prioritise._theme_file import closest_names, quoted_or

#: The start of the problem of a column the template does not have.
UNEXPECTED = "unexpected column (not a declared criterion)"


def unexpected_column(column: str, missing: Sequence[str], *, notes: str) -> str:
    """Word the problem of a column the template does not have, with how to fix it.

    Parameters
    ----------
    column : str
        The column's name in the file.
    missing : sequence of str
        The template's columns the file lacks (criteria, ``candidate`` and the optional
        ones), any of which ``column`` may be a renaming of.
    notes : str
        The name of the free-text column kept with the scores.

    Returns
    -------
    str
        "unexpected column (not a declared criterion); did you mean 'community_voice'?
        Rename it back to 'community_voice', the name the template gave it", or, when it
        is like none of them, "... : delete the column, or put its text in the 'notes'
        column, which is kept with the scores (it is not scored)".
    """
    close = closest_names(str(column), list(missing))
    if close:
        back = f"Rename it back to '{close[0]}', the name the template gave it"
        return f"{UNEXPECTED}; did you mean {quoted_or(close)}? {back}"
    return (
        f"{UNEXPECTED}: delete the column, or put its text in the '{notes}' column, which is "
        "kept with the scores (it is not scored)"
    )


def criteria_hint(table: pd.DataFrame, specs: tuple, known: Sequence[tuple[str, tuple]]) -> str:
    """Say when the file holds the criteria of another kind of template, and how to read it.

    Parameters
    ----------
    table : pandas.DataFrame
        The file's table.
    specs : tuple of AnalystCriterion
        The criteria the file was read with.
    known : sequence of (str, tuple of AnalystCriterion)
        Each set of criteria the toolkit declares, with its name.

    Returns
    -------
    str
        "The file has the criteria of ANALYST_CRITERIA (...): in Python, pass
        criteria=ANALYST_CRITERIA ...; at the command line ...", saying both ways; empty when
        the file holds no other set.
    """
    for name, criteria in known:
        names = [spec.name for spec in criteria]
        if specs != criteria and set(names) <= set(table.columns):
            return (
                f"The file has the criteria of {name} ({listed(names, quote=True)}): in "
                f"Python, pass criteria={name} (from toolkit.prioritise) to read it; at the "
                "command line, the board report reads a template of themes, as `pophealth "
                "candidates persons.parquet --template criteria.csv` writes it"
            )
    return ""
