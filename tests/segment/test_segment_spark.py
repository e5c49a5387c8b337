"""The same Ibis expression on PySpark (local mode) gives the DuckDB cube."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from toolkit.data.contract import CUBE_MEASURES
from toolkit.errors import DataContractError
from toolkit.segment import build_cube

from ._persons import random_persons

pytestmark = pytest.mark.spark

COUNT_MEASURES = [name for name in CUBE_MEASURES if name != "cost_gbp"]


@pytest.fixture(scope="module")
def persons_with_real_costs() -> pd.DataFrame:
    """Persons whose costs are arbitrary floats, so sums depend on the order of addition."""
    frame = random_persons(2_500, seed=21)
    rng = np.random.default_rng(21)
    return frame.assign(cost_gbp=rng.gamma(1.2, 917.3, size=len(frame)))


def assert_cubes_equal(spark_cube: pd.DataFrame, duckdb_cube: pd.DataFrame) -> None:
    """Dimensions and counts exactly equal; cost within 1e-9 relative."""
    assert list(spark_cube.columns) == list(duckdb_cube.columns)
    pd.testing.assert_frame_equal(
        spark_cube.drop(columns="cost_gbp"), duckdb_cube.drop(columns="cost_gbp")
    )
    assert spark_cube["cost_gbp"].dtype == np.dtype("float64")
    np.testing.assert_allclose(spark_cube["cost_gbp"], duckdb_cube["cost_gbp"], rtol=1e-9, atol=0)


def test_spark_cube_equals_duckdb_cube_from_a_dataframe(spark, persons_with_real_costs):
    duckdb_cube = build_cube(persons_with_real_costs)
    spark_cube = build_cube(persons_with_real_costs, engine="spark", spark_session=spark)
    assert_cubes_equal(spark_cube, duckdb_cube)
    assert spark_cube["persons"].sum() == len(persons_with_real_costs)
    assert spark_cube["imd_decile"].isna().any()
    for name in COUNT_MEASURES:
        assert spark_cube[name].dtype == np.dtype("int64"), name


def test_spark_cube_equals_duckdb_cube_from_parquet_and_csv(
    spark, tmp_path, persons_with_real_costs
):
    persons_with_real_costs = persons_with_real_costs.head(800)
    parquet = tmp_path / "persons.parquet"
    persons_with_real_costs.to_parquet(parquet)
    csv = tmp_path / "persons.csv"
    persons_with_real_costs.to_csv(csv, index=False)
    duckdb_cube = build_cube(parquet, model="age_ltc")
    assert_cubes_equal(
        build_cube(parquet, model="age_ltc", engine="spark", spark_session=spark), duckdb_cube
    )
    assert_cubes_equal(
        build_cube(csv, model="age_ltc", engine="spark", spark_session=spark), duckdb_cube
    )


def test_spark_dataframe_input_and_no_temporary_views_left(spark, persons_with_real_costs):
    before = {table.name for table in spark.catalog.listTables()}
    spark_frame = spark.createDataFrame(persons_with_real_costs.drop(columns=["efi", "imd_decile"]))
    with pytest.raises(DataContractError, match="Spark DataFrame lacks columns .* 'imd_decile'"):
        build_cube(spark_frame, engine="spark", spark_session=spark)
    duckdb_cube = build_cube(persons_with_real_costs)
    arrow_frame = spark.createDataFrame(
        pa.Table.from_pandas(persons_with_real_costs, preserve_index=False)
    )
    assert_cubes_equal(build_cube(arrow_frame, engine="spark", spark_session=spark), duckdb_cube)
    assert {table.name for table in spark.catalog.listTables()} == before


def test_spark_refuses_parquet_files_with_different_columns_as_duckdb_does(spark, tmp_path):
    """Read together by Spark, a column one file lacks would be blank in its rows."""
    persons = random_persons(400, seed=9)
    folder = tmp_path / "mixed"
    folder.mkdir()
    persons.iloc[:200].to_parquet(folder / "part1.parquet", index=False)
    persons.iloc[200:].drop(columns=["efi"]).to_parquet(folder / "part2.parquet", index=False)
    messages = []
    for engine in ("duckdb", "spark"):
        with pytest.raises(DataContractError) as refused:
            build_cube(folder, engine=engine, spark_session=spark if engine == "spark" else None)
        messages.append(str(refused.value))
    assert messages[0] == messages[1]
    assert "part2.parquet has different columns" in messages[1] and "lacks 'efi'" in messages[1]


def test_spark_tells_apart_rows_of_files_with_the_same_name(spark, tmp_path):
    persons = random_persons(400, seed=9)
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
    second = persons.iloc[200:].copy()
    second.loc[second.index[0], "person_id"] = persons.loc[0, "person_id"]
    persons.iloc[:200].to_parquet(tmp_path / "a" / "persons.parquet", index=False)
    second.to_parquet(tmp_path / "b" / "persons.parquet", index=False)
    with pytest.raises(DataContractError) as refused:
        build_cube(str(tmp_path / "*" / "persons.parquet"), engine="spark", spark_session=spark)
    message = str(refused.value)
    assert "row 2 of a/persons.parquet" in message and "row 2 of b/persons.parquet" in message


def test_spark_names_the_one_failing_file_of_several_with_the_same_name(spark, tmp_path):
    """A failure in one of a/persons.parquet and b/persons.parquet names b's folder too."""
    persons = random_persons(400, seed=9)
    extracts = tmp_path / "the extracts"  # a space: Spark gives each row's path as a URI
    for name in ("a", "b"):
        (extracts / name).mkdir(parents=True)
    second = persons.iloc[200:].copy()
    second.loc[second.index[5], "age"] = 140
    persons.iloc[:200].to_parquet(extracts / "a" / "persons.parquet", index=False)
    second.to_parquet(extracts / "b" / "persons.parquet", index=False)
    glob = str(extracts / "*" / "persons.parquet")
    messages = []
    for engine in ("duckdb", "spark"):
        with pytest.raises(DataContractError) as refused:
            build_cube(glob, engine=engine, spark_session=spark if engine == "spark" else None)
        messages.append(str(refused.value))
    assert (
        "column 'age': 1 row is outside 0 to 120 (row 7 of b/persons.parquet: 140)."
    ) in messages[1]
    assert messages[0] == messages[1]


def test_spark_refuses_csv_files_with_different_headers_as_duckdb_does(spark, tmp_path):
    """Spark reads CSV values by position: a header that differs would shift columns."""
    persons = random_persons(400, seed=9)
    folder = tmp_path / "csv"
    folder.mkdir()
    persons.iloc[:200].to_csv(folder / "a.csv", index=False)
    persons.iloc[200:].drop(columns="efi").to_csv(folder / "b.csv", index=False)
    reversed_columns = list(reversed(persons.columns))
    expected = [
        f"{folder} (2 files): {folder / 'b.csv'} has different columns from "
        f"{folder / 'a.csv'} (it lacks 'efi'); files read together must have the same header.",
        f"{folder} (2 files): {folder / 'b.csv'} has different columns from "
        f"{folder / 'a.csv'} (the same columns in another order); files read together must "
        "have the same header.",
    ]
    for step, message in enumerate(expected):
        if step:
            persons.iloc[200:][reversed_columns].to_csv(folder / "b.csv", index=False)
        for engine in ("duckdb", "spark"):
            with pytest.raises(DataContractError) as refused:
                build_cube(
                    folder, engine=engine, spark_session=spark if engine == "spark" else None
                )
            assert str(refused.value) == message, engine
