"""Monte Carlo pieces the SII and the excess events share.

The repetitions and seed as every simulating function declares them, the seed actually
used (drawn from the operating system when none is given, and recorded in the output),
and the order statistics the simulated limits are read from.
"""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Integral

import numpy as np

from toolkit._params import SEED, Interval

#: Fewest Monte Carlo repetitions accepted.
MIN_REPS = 1_000

#: The Monte Carlo repetitions and seed, as every simulating function declares them.
REPS = [Interval(Integral, MIN_REPS, None, closed="left")]
SEEDS = [SEED, None]


def resolve_seed(seed: int | None) -> int:
    """Return the seed to use, drawing one from the OS when ``seed`` is None."""
    if seed is None:
        state = np.random.SeedSequence().generate_state(1, dtype=np.uint64)[0]
        return int(state >> np.uint64(1))
    return int(seed)


def order_statistics(
    draws: np.ndarray, levels: Sequence[float], reps: int
) -> dict[float, tuple[np.ndarray, np.ndarray]]:
    """Limits at round(reps·(1 − cv)) and round(reps·cv), counting from 1, of each level.

    cv = level + (1 − level)/2. The order statistics are taken along the first axis of
    ``draws`` (one row per repetition), so a 2-D array gives limits for each column.
    """
    positions = {}
    for level in levels:
        cv = level + (1 - level) / 2
        low = int(np.rint(reps * (1 - cv))) - 1
        high = int(np.rint(reps * cv)) - 1
        positions[level] = (min(max(low, 0), reps - 1), min(max(high, 0), reps - 1))
    kth = sorted({k for pair in positions.values() for k in pair})
    ordered = np.partition(draws, kth, axis=0)
    return {level: (ordered[lo], ordered[hi]) for level, (lo, hi) in positions.items()}
