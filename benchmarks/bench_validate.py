"""Time validate_persons on 1M rows (contract dtypes and all-text), and read_persons on a CSV."""

import argparse
import os
import tempfile
import time
import tracemalloc

import numpy as np
import pandas as pd

from toolkit.data.readers import read_persons, validate_persons

parser = argparse.ArgumentParser()
parser.add_argument("--quick", action="store_true")
parser.add_argument("--rows", type=int, default=1_000_000)
args = parser.parse_args()
n = 50_000 if args.quick else args.rows
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
good = read_persons(os.path.join(ROOT, "tests", "data", "fixtures", "persons_good.csv"))
reps = int(np.ceil(n / len(good)))
big = pd.concat([good] * reps, ignore_index=True).iloc[:n].copy()
big["person_id"] = pd.Series([f"P{i:09d}" for i in range(n)], dtype=good["person_id"].dtype)
text = big.astype(str)


def median_time(fn, repeat=3):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return float(np.median(times))


base = median_time(lambda: big.copy(deep=True))
t_typed = median_time(lambda: validate_persons(big))
t_text = median_time(lambda: validate_persons(text), repeat=1 if n > 200_000 else 3)
tracemalloc.start()
validate_persons(big)
peak = tracemalloc.get_traced_memory()[1]
tracemalloc.stop()
with tempfile.TemporaryDirectory() as d:
    path = os.path.join(d, "persons.csv")
    big.to_csv(path, index=False)
    t_csv = median_time(lambda: read_persons(path), repeat=1)
print(f"rows={n:,}")
print(f"baseline deep copy          median {base:.3f} s")
print(
    f"validate_persons (typed)    median {t_typed:.3f} s  ratio {t_typed / base:.1f}x  "
    f"peak {peak / 2**20:.0f} MiB (tracemalloc)"
)
print(f"validate_persons (all text) median {t_text:.3f} s  ratio {t_text / base:.1f}x")
print(f"read_persons (CSV)          median {t_csv:.3f} s  ratio {t_csv / base:.1f}x")
