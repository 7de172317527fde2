"""Turn whatever a warehouse hands a dbt Python model into a pandas DataFrame.

dbt-duckdb gives a DuckDB relation, dbt-snowflake a Snowpark DataFrame, dbt-databricks and dbt-spark a
PySpark DataFrame. The fitting code only ever sees pandas, so it runs unchanged on each of them.
"""

from __future__ import annotations

import pandas as pd


def to_pandas(data, order_by: str | None = None) -> pd.DataFrame:
    """Return `data` as a pandas DataFrame with lower-case column names, sorted by `order_by`.

    Sorting matters: K-Means results depend on row order, and warehouses return rows in no fixed order.
    """
    if isinstance(data, pd.DataFrame):
        frame = data
    elif hasattr(data, "df") and hasattr(data, "order"):  # DuckDB relation
        frame = (data.order(order_by) if order_by else data).df()
    elif hasattr(data, "to_pandas"):  # Snowpark DataFrame
        frame = data.to_pandas()
    elif hasattr(data, "toPandas"):  # PySpark DataFrame
        frame = data.toPandas()
    else:
        raise TypeError(
            f"to_pandas: cannot read a {type(data).__name__}; pass a pandas, DuckDB, Snowpark or PySpark frame."
        )
    frame = frame.rename(columns=str.lower)
    if order_by:
        frame = frame.sort_values(order_by.lower(), kind="stable")
    return frame.reset_index(drop=True)


def select_columns(data, *columns: str):
    """Only these columns of a warehouse frame, read before it reaches pandas: DuckDB relations project,
    Spark and Snowpark frames select."""
    return data.project(", ".join(columns)) if hasattr(data, "project") else data.select(*columns)


def read_existing(session, relation) -> pd.DataFrame | None:
    """The table a model wrote last time (e.g. `dbt.this`), or None on a first build.

    A model that keeps something from its previous run (segment keys across a retrain) reads itself
    before the new table replaces it. Only "this table does not exist" means a first build: any other
    error (a lost connection, a view over a dropped table, no permission) is raised, because reading it
    as a first build would silently start the segment keys over.
    """
    try:
        # DuckDB connections, Snowpark sessions and Spark sessions all answer sql() with a frame to_pandas reads
        return to_pandas(session.sql(f"select * from {relation}"))
    except Exception as error:
        if is_missing_table(error, relation):
            return None
        raise


def is_missing_table(error: Exception, relation) -> bool:
    """Whether `error` says that `relation` itself does not exist, as each engine words it.

    DuckDB raises a CatalogException, PySpark an AnalysisException of class TABLE_OR_VIEW_NOT_FOUND,
    Snowpark a SnowparkSQLException saying "does not exist". The message must also name the relation
    (its identifier): a view whose underlying table is gone raises the same error naming that
    other table, and that is no first build. Matched by class name, so no engine package is imported.
    """
    names = {kind.__name__ for kind in type(error).__mro__}
    text = str(error).lower().split("did you mean")[0]  # DuckDB's suggestions may name other tables
    if names & {"CatalogException", "SnowparkSQLException"}:
        missing = "does not exist" in text
    elif "AnalysisException" in names:
        missing = "table_or_view_not_found" in text
    else:
        return False
    return missing and _identifier(relation).lower() in text


def _identifier(relation) -> str:
    """The table name of a relation (dbt.this, or its quoted text), unquoted."""
    return str(getattr(relation, "identifier", "") or "") or str(relation).rsplit(".", 1)[-1].strip('"`[] ')


def sibling_relation(this, identifier: str) -> str:
    """The relation named `identifier` beside `this` (dbt.this: same database and schema, same quoting).

    For reading, as read_existing does, a table this model cannot ref because it lies downstream
    (the registry the previous build left, say).
    """
    text = repr(this) if not isinstance(this, str) else this
    own = str(getattr(this, "identifier", "")) or text.rsplit(".", 1)[-1].strip('"`')
    cut = text.rfind(own)
    if cut < 0:
        raise ValueError(f"cannot find {own!r} in the relation {text!r}")
    return text[:cut] + identifier + text[cut + len(own):]
