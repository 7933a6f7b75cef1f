"""Admin commands: schema, demo, import, cypher, stats."""

from __future__ import annotations
