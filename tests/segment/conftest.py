"""Fixtures for the segmentation tests: hand-built persons and one shared Spark session."""

from __future__ import annotations

import pandas as pd
import pytest

from ._persons import random_persons


@pytest.fixture(scope="session")
def persons() -> pd.DataFrame:
    return random_persons(3_000, seed=7)


@pytest.fixture(scope="session")
def spark():
    pyspark = pytest.importorskip("pyspark")
    del pyspark
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("pophealth-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.memory", "1g")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
