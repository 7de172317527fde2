"""Python helpers for the segmentation dbt project."""
