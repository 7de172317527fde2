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
    before the new table replaces it.
    """
    try:
        # DuckDB connections, Snowpark sessions and Spark sessions all answer sql() with a frame to_pandas reads
        return to_pandas(session.sql(f"select * from {relation}"))
    except Exception:  # no such table yet: each engine raises its own error type
        return None


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
