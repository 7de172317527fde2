"""Write the demo data at benchmark scale (e.g. 1,000,000 customers) in chunks, with the demo generator itself.

`python_udfs.demo.data.generate` builds every table in memory (about 1.2 GB of resident memory per 20,000
customers, so about 60 GB for a million), so it cannot write a million customers in one call on a 24 GiB
machine. This script calls it once per chunk of customers (seed + chunk index), gives every id of a chunk a
chunk tag (C000123 -> C007-000123, likewise order, event and ticket ids) so ids stay unique across chunks,
and appends each chunk to one Parquet file per table. The generator is not changed: the 20,000-customer demo
keeps its bytes. Each chunk has the demo's archetype mix and planted junk rows (unknown customer ids stay
unknown: they get the tag of a chunk that does not have them).

Same arguments give the same files. Usage::

    python benchmarks/large_demo_data.py --customers 1000000 --chunk 50000 --out /tmp/large/raw
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import shutil
import sys
import tempfile
import time
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from python_udfs.demo.data import MIN_CUSTOMERS, SCHEMAS, generate  # noqa: E402

TABLES = ("customers", "transactions", "events", "support_tickets")
ID_COLUMNS = {
    "customers": ("customer_id",),
    "transactions": ("order_id", "customer_id"),
    "events": ("event_id", "customer_id"),
    "support_tickets": ("ticket_id", "customer_id"),
}
# a generated id is one letter and digits; blanks, nulls and placeholders planted as junk are left alone
ID_PATTERN = r"^([COET])([0-9])"


def chunk_sizes(n_customers: int, chunk: int) -> list[int]:
    """Chunk sizes summing to n_customers; the last one absorbs a remainder too small to generate."""
    sizes = [chunk] * (n_customers // chunk)
    remainder = n_customers - sum(sizes)
    if remainder >= MIN_CUSTOMERS or not sizes:
        sizes.append(remainder)
    else:
        sizes[-1] += remainder
    return [size for size in sizes if size > 0]


def _generate_chunk(job: tuple[int, int, int, str, float]) -> tuple[int, str, dict]:
    index, size, seed, scratch, orders_scale = job
    folder = Path(scratch) / f"chunk_{index:04d}"
    counts = generate(size, seed + index, folder / "raw", folder / "truth", orders_scale=orders_scale)
    return index, str(folder), counts


def _tag_ids(table, name: str, index: int):
    for column in ID_COLUMNS[name]:
        position = table.schema.get_field_index(column)
        tagged = pc.replace_substring_regex(table[column], pattern=ID_PATTERN, replacement=rf"\1{index:03d}-\2")
        table = table.set_column(position, column, tagged)
    return table


def generate_large(n_customers: int, chunk: int, seed: int, out_dir: str | Path, workers: int = 1,
                   orders_scale: float = 1.0) -> dict:
    """Write customers/transactions/events/support_tickets.parquet for n_customers; return row counts."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    scratch = tempfile.mkdtemp(prefix="large_demo_", dir=out.parent)
    writers = {name: pq.ParquetWriter(out / f"{name}.parquet", SCHEMAS[name], compression="zstd") for name in TABLES}
    rows = {name: 0 for name in TABLES}
    jobs = [(index, size, seed, scratch, orders_scale) for index, size in enumerate(chunk_sizes(n_customers, chunk))]
    try:
        with multiprocessing.get_context("spawn").Pool(workers) as pool:
            # imap keeps chunk order, so the files do not depend on which worker finished first
            for index, folder, _ in pool.imap(_generate_chunk, jobs):
                for name in TABLES:
                    table = _tag_ids(pq.read_table(Path(folder) / "raw" / f"{name}.parquet"), name, index)
                    writers[name].write_table(table, row_group_size=1_000_000)
                    rows[name] += table.num_rows
                shutil.rmtree(folder)
                print(f"  chunk {index + 1}/{len(jobs)} written ({sum(rows.values()):,} rows so far)", flush=True)
    finally:
        for writer in writers.values():
            writer.close()
        shutil.rmtree(scratch, ignore_errors=True)
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--chunk", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--orders-scale", type=float, default=1.0,
                        help="more orders per customer (the demo's 1.0 gives ~27 order lines a customer, 1.9 ~50)")
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    rows = generate_large(args.customers, args.chunk, args.seed, args.out, args.workers, args.orders_scale)
    print(json.dumps({**rows, "seconds": round(time.perf_counter() - started, 1)}, indent=2))


if __name__ == "__main__":
    main()
