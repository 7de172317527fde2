"""Print the segments of a built DuckDB file: `python -m python_udfs.cli.show_segments target/segments.duckdb`."""

from __future__ import annotations

import sys

import duckdb

from python_udfs.registry import model_version_in_force

QUERY = """
select
    segment_id,
    segment_name,
    customer_count,
    round(100 * customer_share, 1) as pct_customers,
    round(100 * revenue_share, 1) as pct_revenue,
    round(avg_recency_days, 0) as recency_days,
    round(avg_frequency, 1) as orders,
    round(avg_monetary, 0) as spend,
    top_rfm_label
from segment_profiles
order by segment_id
"""


def main(path: str) -> None:
    with duckdb.connect(path, read_only=True) as connection:
        # the version customers are scored with (the published or pinned one, not the latest fit)
        version = model_version_in_force(connection)
        customers = connection.sql("select count(*) from customer_segments").fetchall()[0][0]
        print(f"\n{customers} customers in {path}, model {version}:\n")
        connection.sql(QUERY).show(max_width=200)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "target/segments.duckdb")
