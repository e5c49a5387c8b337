"""CSV files on Spark read as on DuckDB: header names and text read as blank (issue 14)."""

from __future__ import annotations

import re
import subprocess
import sys
import warnings

import pandas as pd
import pytest

from toolkit.errors import DataContractError
from toolkit.segment import build_cube

from ._persons import random_persons

pytestmark = pytest.mark.spark


def _csv(persons: pd.DataFrame, path, header: dict[str, str] | None = None):
    persons.rename(columns=header or {}).to_csv(path, index=False)
    return path


def test_spark_reads_a_spaced_header_and_excel_na_as_duckdb_does(spark, tmp_path):
    persons = random_persons(60, seed=3).astype({"imd_decile": object, "age": object})
    persons.loc[3, "imd_decile"] = "#N/A"
    path = _csv(persons, tmp_path / "persons.csv", {"sex": "sex ", "place": " Place"})
    cubes, said = [], []
    for engine in ("duckdb", "spark"):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            cubes.append(
                build_cube(path, engine=engine, spark_session=spark if engine == "spark" else None)
            )
        said.append([str(w.message) for w in caught if "read as blank" in str(w.message)])
    pd.testing.assert_frame_equal(cubes[1], cubes[0])
    assert said[0] == [
        f"{path}: column 'imd_decile': 1 value written as '#N/A' was read as blank (row 5)."
    ]
    assert said[1] == [f"{path}: column 'imd_decile': 1 value written as '#N/A' was read as blank."]

    # In a column the cube needs, "#N/A" is a blank value on both engines (not text).
    persons.loc[3, "imd_decile"] = 4
    persons.loc[7, "age"] = "#N/A"
    path = _csv(persons, tmp_path / "ages.csv")
    with (
        pytest.warns(UserWarning, match="column 'age': 1 value written as '#N/A' was read"),
        pytest.raises(DataContractError) as refused,
    ):
        build_cube(path, engine="spark", spark_session=spark)
    assert "column 'age': 1 row is blank" in str(refused.value)

    # Two columns read as one contract name: the readers' refusal, on both engines.
    path = _csv(random_persons(20, seed=4).assign(SEX="F"), tmp_path / "twice.csv", {"SEX": "Sex "})
    messages = []
    for engine in ("duckdb", "spark"):
        with pytest.raises(DataContractError) as refused:
            build_cube(path, engine=engine, spark_session=spark if engine == "spark" else None)
        messages.append(str(refused.value))
    assert messages[1] == messages[0]
    assert "column 'sex' appears more than once ('sex' and 'Sex'): keep one." in messages[1]


def test_spark_on_the_command_line_shows_no_spark_log_lines(tmp_path):
    """The session the toolkit starts logs Spark's errors only: no WARN lines, no log4j."""
    pytest.importorskip("pyspark")
    path = _csv(random_persons(30, seed=5), tmp_path / "persons.csv")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "toolkit.cli",
            "cube",
            str(path),
            "--out",
            str(tmp_path / "cube.parquet"),
            "--engine",
            "spark",
            "--quiet",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert "wrote the segment cube" in done.stdout
    assert not re.search(r"\b(WARN|INFO)\b", done.stderr), done.stderr
    for spark_says in ("log4j", "Setting default log level", "[Stage"):
        assert spark_says not in done.stderr, done.stderr
