"""Write (or check) ``graphql/schema.graphql``, the schema as SDL.

    python -m engine.api.export            # rewrite graphql/schema.graphql
    python -m engine.api.export --check    # exit 1 when it differs from the code
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from engine.api.schema import sdl

DEFAULT_PATH = Path("graphql/schema.graphql")


def export(path: Path = DEFAULT_PATH, *, check: bool = False) -> bool:
    """True when the file already held the current SDL; writes it unless ``check``."""
    text = sdl()
    current = path.read_text(encoding="utf-8") if path.is_file() else None
    if current == text:
        return True
    if not check:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT_PATH)
    parser.add_argument("--check", action="store_true", help="only compare, do not write")
    args = parser.parse_args(argv)
    same = export(args.path, check=args.check)
    if same:
        print(f"{args.path} is up to date")
        return 0
    if args.check:
        print(f"{args.path} differs from the schema in code: run python -m engine.api.export",
              file=sys.stderr)
        return 1
    print(f"wrote {args.path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
