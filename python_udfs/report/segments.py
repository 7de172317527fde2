"""The segments as the report names and colours them."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from python_udfs.report.charts import segment_colours
from python_udfs.report.warehouse import Warehouse


@dataclass
class Segments:
    """One row per segment: profile, name and description, in segment id order."""

    table: pd.DataFrame
    colours: dict[int, str]

    @classmethod
    def from_warehouse(cls, warehouse: Warehouse) -> "Segments":
        profiles = warehouse["segment_profiles"].sort_values("segment_id")
        dictionary = warehouse["segment_dictionary"]
        extra = [column for column in ("segment_description", "recommended_action", "kpi", "channel")
                 if column in dictionary.columns]
        table = profiles.merge(dictionary[["segment_id", *extra]], on="segment_id", how="left")
        return cls(table.reset_index(drop=True), segment_colours(table["segment_id"]))

    def name(self, segment_id) -> str:
        match = self.table.loc[self.table["segment_id"] == int(segment_id), "segment_name"]
        return str(match.iloc[0]) if len(match) else f"Segment {segment_id}"

    def label(self, value) -> str:
        """A segment id (or a label such as `new`) as the name a reader knows."""
        try:
            return self.name(int(value))
        except (TypeError, ValueError):
            return str(value)
