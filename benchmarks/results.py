"""Writing one benchmark's section of benchmarks/RESULTS.md, leaving the others alone."""

from __future__ import annotations

from pathlib import Path

RESULTS = Path(__file__).with_name("RESULTS.md")


def replace_section(path: Path, title: str, body: str) -> None:
    """Replace the ``## title`` section (up to the next ``## ``) or append it."""
    text = path.read_text() if path.exists() else "# Benchmark results\n"
    start = text.find(title + "\n")
    if start == -1:
        text = text.rstrip("\n") + "\n\n" + body.rstrip("\n") + "\n"
    else:
        end = text.find("\n## ", start + len(title))
        rest = text[end + 1:] if end != -1 else ""
        text = text[:start] + body.rstrip("\n") + ("\n\n" + rest if rest else "\n")
    path.write_text(text)
