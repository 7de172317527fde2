"""Reading the table a model wrote last build: only a missing table reads as a first build."""

import duckdb
import pandas as pd
import pytest

from python_udfs.frames import read_existing, sibling_relation

pytestmark = pytest.mark.unit


class This:
    """What dbt hands a Python model as dbt.this."""

    database, schema, identifier = "memory", "main", "segment_centroids"

    def __repr__(self):
        return '"memory"."main"."segment_centroids"'


def test_a_missing_table_is_a_first_build():
    with duckdb.connect() as connection:
        assert read_existing(connection, This()) is None
        assert read_existing(connection, sibling_relation(This(), "segment_models")) is None


def test_an_existing_table_is_read():
    with duckdb.connect() as connection:
        connection.sql("create table segment_centroids as select 1 as segment_id")
        pd.testing.assert_frame_equal(read_existing(connection, This()), pd.DataFrame({"segment_id": [1]}),
                                      check_dtype=False)


def test_a_table_that_exists_but_cannot_be_read_raises():
    """A view over a dropped table raises DuckDB's "does not exist" too, naming the other table: reading
    it as a first build would start every segment key over."""
    with duckdb.connect() as connection:
        connection.sql("create table base as select 1 as segment_id")
        connection.sql("create view segment_centroids as select * from base")
        connection.sql("drop table base")
        with pytest.raises(duckdb.CatalogException, match="base"):
            read_existing(connection, This())


def test_a_lost_connection_raises():
    connection = duckdb.connect()
    connection.close()
    with pytest.raises(duckdb.ConnectionException):
        read_existing(connection, This())


class AnalysisException(Exception):
    """Stands in for pyspark.errors.AnalysisException (matched by class name)."""


class SnowparkSQLException(Exception):
    """Stands in for snowflake.snowpark.exceptions.SnowparkSQLException."""


class Session:
    def __init__(self, error):
        self.error = error

    def sql(self, query):
        raise self.error


@pytest.mark.parametrize("error", [
    AnalysisException("[TABLE_OR_VIEW_NOT_FOUND] The table or view `main`.`segment_centroids` cannot be found."),
    SnowparkSQLException("SQL compilation error:\nObject 'MAIN.SEGMENT_CENTROIDS' does not exist or not authorized."),
])
def test_spark_and_snowpark_missing_tables_are_a_first_build(error):
    assert read_existing(Session(error), This()) is None


@pytest.mark.parametrize("error", [
    AnalysisException("[INSUFFICIENT_PERMISSIONS] Insufficient privileges on `main`.`segment_centroids`."),
    SnowparkSQLException("Object 'MAIN.SEGMENT_CENTROIDS' is locked by another statement."),
    RuntimeError("segment_centroids: the warehouse is suspended"),
])
def test_any_other_error_is_raised(error):
    with pytest.raises(type(error)):
        read_existing(Session(error), This())
