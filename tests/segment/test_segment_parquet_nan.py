"""A Parquet file holding float NaN (not null), as polars, Spark and R write them (issue 14).

The readers read NaN as blank. The engines must too: DuckDB settles ``isnan`` from Parquet
statistics, which leave NaN out, so a check written with ``isnan`` kept every NaN (a NaN eFI
then counted as severe frailty, and ``validate``/``cube`` refused a file ``read_persons``
accepted). These tests write the same persons with NaN and with nulls and compare.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from toolkit.data import make_demo_system, read_persons
from toolkit.errors import DataContractError
from toolkit.segment import build_cohort_cube, build_cube, check_persons_file


def _write(persons: pd.DataFrame, path, *, nan: bool) -> None:
    """Write ``persons`` with each missing float as NaN (``nan``) or as null."""
    table = pa.Table.from_pandas(persons, preserve_index=False)
    if nan:
        for name in persons.columns:
            if pd.api.types.is_float_dtype(persons[name]):
                values = persons[name].to_numpy(dtype="float64")
                index = table.schema.get_field_index(name)
                table = table.set_column(index, name, pa.array(values, from_pandas=False))
    pq.write_table(table, path)


@pytest.fixture(scope="module")
def persons() -> pd.DataFrame:
    return make_demo_system(persons=3_000, seed=7).persons


def test_nan_efi_is_read_as_blank_by_every_engine_path(persons, tmp_path):
    _write(persons, tmp_path / "nan.parquet", nan=True)
    _write(persons, tmp_path / "null.parquet", nan=False)
    assert pq.read_table(tmp_path / "nan.parquet")["efi"].null_count == 0  # truly NaN
    assert np.isnan(pq.read_table(tmp_path / "nan.parquet")["efi"].to_numpy()).sum() > 0
    for validate in (True, False):
        nan = build_cube(str(tmp_path / "nan.parquet"), validate=validate, progress=False)
        null = build_cube(str(tmp_path / "null.parquet"), validate=validate, progress=False)
        pd.testing.assert_frame_equal(nan, null)
    nan = build_cohort_cube(str(tmp_path / "nan.parquet"), progress=False)
    null = build_cohort_cube(str(tmp_path / "null.parquet"), progress=False)
    pd.testing.assert_frame_equal(nan.cohorts, null.cohorts)
    assert check_persons_file(str(tmp_path / "nan.parquet")).rows == len(persons)
    assert len(read_persons(tmp_path / "nan.parquet")) == len(persons)


def test_a_nan_cost_is_blank_to_validate_cube_and_the_readers_alike(persons, tmp_path):
    broken = persons.copy()
    broken.loc[[3, 7], "cost_gbp"] = np.nan
    path = tmp_path / "nan_cost.parquet"
    _write(broken, path, nan=True)
    expected = "column 'cost_gbp': 2 rows are blank (rows 5, 9)."
    for attempt in (
        lambda: read_persons(path),
        lambda: check_persons_file(str(path)),
        lambda: build_cube(str(path), progress=False),
    ):
        with pytest.raises(DataContractError) as caught:
            attempt()
        assert expected in str(caught.value)
