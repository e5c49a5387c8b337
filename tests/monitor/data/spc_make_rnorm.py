"""Write spc_rnorm_seed123.csv: the normal draws NHSRplotthedots' tests take from R.

The package's tests build their data with ``set.seed(123)`` and ``rnorm``; R is not
available here, so this script reproduces R's default generators (Mersenne-Twister seeded
the way ``set.seed`` scrambles the seed, normals by inversion from two uniforms, as R's
``norm_rand``) in our own words. The draws are checked in the tests against the values
the package's snapshots print (``tests/testthat/_snaps/ptd_spc_standard.md``) and against
the mean and limits the package reports for them.

Draws, in R's order (tests/testthat/test-geom_ptd_icon.R):
``set.seed(123); rnorm(24)``, then ``rnorm(12, 5)``, then ``rnorm(12, -5)``; the first 20
of them are ``set.seed(123); rnorm(20)`` (test-ptd_spc_standard.R, test-ptd_spc.R).

Usage: ``python tests/monitor/data/spc_make_rnorm.py``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from scipy.special import ndtri

_N, _M = 624, 397
_BIG = 134_217_728  # 2**27, R's norm_rand inversion


class RMersenneTwister:
    """R's default uniform generator after ``set.seed(seed)``."""

    def __init__(self, seed: int) -> None:
        s = seed & 0xFFFFFFFF
        for _ in range(50):  # R's initial scrambling of the seed
            s = (69069 * s + 1) & 0xFFFFFFFF
        words = []
        for _ in range(_N + 1):
            s = (69069 * s + 1) & 0xFFFFFFFF
            words.append(s)
        self.mt = words[1:]  # the first word is the position, set to N
        self.mti = _N

    def _next_word(self) -> int:
        if self.mti >= _N:
            mt = self.mt
            for k in range(_N):
                y = (mt[k] & 0x80000000) | (mt[(k + 1) % _N] & 0x7FFFFFFF)
                mt[k] = mt[(k + _M) % _N] ^ (y >> 1) ^ (0x9908B0DF if y & 1 else 0)
            self.mti = 0
        y = self.mt[self.mti]
        self.mti += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C5680
        y ^= (y << 15) & 0xEFC60000
        y ^= y >> 18
        return y

    def uniform(self) -> float:
        value = self._next_word() * 2.3283064365386963e-10
        half = 0.5 * 2.328306437080797e-10  # R keeps draws inside (0, 1)
        if value <= 0.0:
            return half
        if 1.0 - value <= 0.0:
            return 1.0 - half
        return value

    def normal(self, n: int, mean: float = 0.0) -> list[float]:
        out = []
        for _ in range(n):
            u = self.uniform()
            u = int(_BIG * u) + self.uniform()
            out.append(mean + float(ndtri(u / _BIG)))
        return out


def draws() -> pd.DataFrame:
    generator = RMersenneTwister(123)
    parts = [("rnorm(24)", generator.normal(24))]
    parts.append(("rnorm(12, 5)", generator.normal(12, 5.0)))
    parts.append(("rnorm(12, -5)", generator.normal(12, -5.0)))
    rows = [
        {"call": call, "draw": i + 1, "value": value}
        for call, values in parts
        for i, value in enumerate(values)
    ]
    return pd.DataFrame(rows)


if __name__ == "__main__":
    out = Path(__file__).with_name("spc_rnorm_seed123.csv")
    draws().to_csv(out, index=False, float_format="%.17g")
    print(f"wrote {out}")
