"""Bulk imports into the graph: event files (JSONL/CSV) and public data sets."""
