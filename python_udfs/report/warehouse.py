"""The tables of one built DuckDB file the report reads, loaded once and read-only."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from python_udfs.registry import model_version_in_force


REQUIRED_TABLES = ("customer_segments", "segment_profiles", "segment_dictionary", "segment_centroids",
                   "segment_scaler", "customer_features")


class ReportError(RuntimeError):
    """The DuckDB file cannot make a report; the message says what to build."""


@dataclass
class Warehouse:
    """The tables of one DuckDB file, read once (read-only, so a running dashboard is not disturbed)."""

    path: Path
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)

    @classmethod
    def load(cls, path: str | Path) -> "Warehouse":
        path = Path(path)
        if not path.exists():
            raise ReportError(f"{path} does not exist: build the project first (bash scripts/demo.sh, or dbt build).")
        warehouse = cls(path)
        with duckdb.connect(str(path), read_only=True) as connection:
            names = {row[0] for row in connection.sql(
                "select table_name from information_schema.tables where table_schema = current_schema()").fetchall()}
            missing = [name for name in REQUIRED_TABLES if name not in names]
            if missing:
                raise ReportError(
                    f"{path} has no {', '.join(missing)}: run `dbt build` (or bash scripts/demo.sh) before the report.")
            # small tables whole; the per-customer marts only as aggregates and as the projection's sample
            wanted = {"segment_profiles", "segment_dictionary", "segment_centroids", "segment_scaler",
                      "feature_dictionary", "segment_projection", "segment_feature_distribution", "segment_k_selection",
                      "segment_feature_screening",
                      "segment_stability", "segment_drivers", "segment_rules", "segment_drift", "segment_transitions"}
            for name in sorted(wanted & names):
                warehouse.tables[name] = connection.sql(f'select * from "{name}"').df().rename(columns=str.lower)
            # show the model version customers are scored with (a pinned one included), not merely the latest fit
            in_force = model_version_in_force(connection)
            if in_force is not None and {"segment_model_scalers", "segment_model_centroids"} <= names:
                for name, registry in (("segment_scaler", "segment_model_scalers"),
                                       ("segment_centroids", "segment_model_centroids")):
                    frame = connection.execute(f'select * from "{registry}" where model_version = ?',
                                               [in_force]).df().rename(columns=str.lower)
                    warehouse.tables[name] = frame.drop(columns="model_version") if name == "segment_scaler" else frame
            warehouse.tables["facts"] = connection.sql(
                "select (select max(as_of_date) from customer_features) as as_of_date, "
                "(select max(scored_at) from customer_segments) as scored_at").df()
            if "int_transactions_cleaned" in names:
                warehouse.tables["order_window"] = connection.sql(
                    "select min(ordered_at) as first_order, max(ordered_at) as last_order "
                    "from int_transactions_cleaned").df()
            sampled = ("where customer_features.customer_id in (select customer_id from segment_projection "
                       "where point_type = 'customer')" if warehouse.has("segment_projection", "point_type") else "")
            warehouse.tables["sampled_customers"] = connection.sql(
                "select customer_features.*, customer_segments.segment_id from customer_features "
                "inner join customer_segments on customer_features.customer_id = customer_segments.customer_id "
                f"{sampled} order by customer_features.customer_id").df().rename(columns=str.lower)
        return warehouse

    def has(self, name: str, *columns: str) -> bool:
        table = self.tables.get(name)
        return table is not None and not table.empty and all(column in table.columns for column in columns)

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]
