"""Figures rounded as a reader rounds them: halves up, as UK official statistics are.

Python's :func:`round` and string formatting (``f"{x:.0f}"``) round a half to the even
neighbour (100.5 is 100, 102.5 is 102) and round the binary value a float holds (1.15 is
stored just below 1.15, so it rounds to 1.1); a board reading 100.5 expects 101. Figures
shown to people are rounded with :func:`round_half_up` (the SPC charts' and sentences'
figures, the theme candidates' estimates and money), so that a report, a chart and a
workshop table round alike. It imports nothing from :mod:`toolkit`, so any subpackage may
use it without an import cycle.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal, localcontext

__all__ = ["round_half_up"]


def round_half_up(value: float, decimals: int = 0) -> float:
    """Round as a reader rounds: halves away from zero (2.5 is 3, 125 to tens is 130).

    Python's :func:`round` and ``:.0f`` round halves to even (2.5 is 2), and binary
    fractions round 1.15 down; this rounds the decimal the value is written as.

    Parameters
    ----------
    value : float
        The value; NaN and infinities are returned as they are.
    decimals : int
        Decimal places to keep; negative rounds to tens (-1), hundreds (-2) and so on.

    Returns
    -------
    float
        The rounded value.

    Examples
    --------
    >>> round_half_up(2.5), round_half_up(1.15, 1), round_half_up(125, -1)
    (3.0, 1.2, 130.0)
    """
    if not math.isfinite(value):
        return value
    number = Decimal(repr(float(value)))
    step = Decimal(1).scaleb(-decimals)
    with localcontext() as context:  # digits enough for 1e30 to units, or 1e-20 to 25 places
        context.prec = max(28, number.adjusted() + decimals + 2)
        return float(number.quantize(step, rounding=ROUND_HALF_UP))
