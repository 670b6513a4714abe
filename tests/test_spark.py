"""The gdelt-sql Spark dialect, executed on a local Spark against Parquet in GDELT's layout, equals the polars path.

Needs pyspark (requirements-dev.txt) and a Java runtime (Debian: default-jre-headless). Skipped with the reason
when either is missing, except where TENSION_REQUIRE_SPARK=1 (CI, set by .ci/run): there it fails instead.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import shutil
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

import tension
from tension.sources.gdelt import (
    AGGREGATE_COLUMNS,
    GDELT1_COLUMNS,
    GDELT2_COLUMNS,
    aggregate_sql,
    daily_from_aggregate,
    read_gdelt,
    unmapped_codes,
)

pytestmark = pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning")
FIX = Path(__file__).resolve().parent / "fixtures"
GDELT2 = FIX / "gdelt2_20180326044500.export.CSV"
GDELT1 = FIX / "gdelt1_sample_events.tsv"
#: Column types of GDELT's BigQuery table gdelt-bq.gdeltv2.events (the others are STRING).
INTEGERS = ("GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "IsRootEvent", "QuadClass", "NumMentions", "NumSources",
            "NumArticles", "Actor1Geo_Type", "Actor2Geo_Type", "ActionGeo_Type", "DATEADDED")
FLOATS = ("FractionDate", "GoldsteinScale", "AvgTone", "Actor1Geo_Lat", "Actor1Geo_Long", "Actor2Geo_Lat",
          "Actor2Geo_Long", "ActionGeo_Lat", "ActionGeo_Long")


def _missing() -> str | None:
    if importlib.util.find_spec("pyspark") is None:
        return "pyspark is not installed (pip install -r requirements-dev.txt)"
    java_home = os.environ.get("JAVA_HOME")
    if not shutil.which("java") and not (java_home and (Path(java_home) / "bin" / "java").exists()):
        return "no Java runtime for Spark (Debian: apt-get install default-jre-headless)"
    return None


@pytest.fixture(scope="module")
def spark():
    """One small local Spark session for the module: one core, little memory, no UI."""
    why = _missing()
    if why:
        if os.environ.get("TENSION_REQUIRE_SPARK") == "1":
            pytest.fail(f"TENSION_REQUIRE_SPARK=1 but {why}")
        pytest.skip(why)
    from pyspark.sql import SparkSession

    session = (SparkSession.builder.master("local[1]").appName("tension-test")
               .config("spark.ui.enabled", "false").config("spark.driver.memory", "512m")
               .config("spark.sql.shuffle.partitions", "1").config("spark.driver.bindAddress", "127.0.0.1")
               .config("spark.driver.host", "127.0.0.1").getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def gdelt_parquet(path: Path, columns: tuple[str, ...], out: Path) -> Path:
    """A raw GDELT export as Parquet in the BigQuery table's layout: GDELT 2.0 column names, typed columns (a GDELT
    1.0 export gains empty ADM2Code columns)."""
    frame = pl.read_csv(path, separator="\t", has_header=False, quote_char=None, new_columns=list(columns),
                        schema=dict.fromkeys(columns, pl.String), truncate_ragged_lines=True)
    frame = frame.with_columns(*(pl.col(c).cast(pl.Int64) for c in INTEGERS),
                               *(pl.col(c).cast(pl.Float64) for c in FLOATS))
    frame = frame.select(*(pl.col(c) if c in frame.columns else pl.lit(None, dtype=pl.String).alias(c)
                           for c in GDELT2_COLUMNS))
    frame.write_parquet(out)
    return out


@pytest.fixture(scope="module")
def events_table(spark, tmp_path_factory):
    """The two raw fixtures (GDELT 2.0 and 1.0) as one Parquet folder, registered as the view ``events``."""
    folder = tmp_path_factory.mktemp("gdelt_parquet")
    gdelt_parquet(GDELT2, GDELT2_COLUMNS, folder / "part-0.parquet")
    gdelt_parquet(GDELT1, GDELT1_COLUMNS, folder / "part-1.parquet")
    spark.read.parquet(str(folder)).createOrReplaceTempView("events")
    return folder


def spark_aggregate(spark, **kwargs) -> pl.DataFrame:
    rows = spark.sql(aggregate_sql(dialect="spark", **kwargs)).collect()
    return pl.DataFrame([r.asDict() for r in rows], schema={
        "day": pl.Int64, "type": pl.String, "unmapped_code": pl.String, "n_events": pl.Int64, "mentions": pl.Int64,
        "tone_sum": pl.Float64, "tone_mentions": pl.Float64, "goldstein_sum": pl.Float64}, orient="row")


def test_parquet_fixture_is_gdelt_layout(events_table):
    frame = pl.read_parquet(events_table)
    assert frame.columns == list(GDELT2_COLUMNS) and frame.height == 1540 + 710
    assert frame.schema["SQLDATE"] == pl.Int64 and frame.schema["EventCode"] == pl.String
    assert frame.filter(pl.col("GLOBALEVENTID") == 741917416)["EventCode"].to_list() == ["012"]


@pytest.mark.parametrize("normalisation", ["log", "mentions", "raw"])
def test_spark_sql_equals_polars_path(spark, events_table, normalisation):
    agg = spark_aggregate(spark)
    assert list(agg.columns) == list(AGGREGATE_COLUMNS)
    assert agg["n_events"].sum() == 8 and unmapped_codes(agg) == {}
    events, _ = read_gdelt([GDELT2, GDELT1], normalisation=normalisation)
    polars_daily = tension.aggregate(events)
    sql_daily = daily_from_aggregate(agg, normalisation)
    assert_frame_equal(polars_daily.select("date", "n_events", "n_statements"),
                       sql_daily.select("date", "n_events", "n_statements"))
    assert_frame_equal(polars_daily, sql_daily, check_exact=False, rel_tol=1e-12, abs_tol=1e-12)


def test_spark_sql_dates_and_unmapped_codes(spark, events_table, tmp_path):
    assert spark_aggregate(spark, start=dt.date(2016, 1, 1))["n_events"].sum() == 7  # 5 from 2018, 2 from 1.0
    assert spark_aggregate(spark, end=dt.date(2016, 1, 1))["n_events"].sum() == 1  # the 1982 event
    lines = GDELT2.read_text(encoding="utf-8").splitlines()
    odd = lines[396].split("\t")
    odd[26] = "099"
    (tmp_path / "odd.CSV").write_text("\n".join([lines[394], "\t".join(odd), lines[1332]]) + "\n", encoding="utf-8")
    spark.read.parquet(str(gdelt_parquet(tmp_path / "odd.CSV", GDELT2_COLUMNS, tmp_path / "odd.parquet"))
                       ).createOrReplaceTempView("odd_events")
    agg = spark_aggregate(spark, table="odd_events")
    assert unmapped_codes(agg) == {"099": 1} and daily_from_aggregate(agg)["n_events"].to_list() == [2]
