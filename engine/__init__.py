"""graphfeed: a graph-database-centric recommendation engine."""

__version__ = "0.1.0"
