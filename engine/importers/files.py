"""Importing event files (JSON Lines or CSV): validate every line first, then write.

A file with any bad line is rejected before anything is written, with one
message per bad line (``FILE:LINE: field: problem``). References are checked
the same way: follows must name existing users, engagements and impressions
existing posts. Only then are the rows written through the ``Ingestor`` in
batches of ``max_batch``. Files are read twice (validate, then write) so memory
stays flat whatever their size.

CSV cells are text: dotted headers nest (``content.foreign_id``, ``extra.media_type``),
list cells (``tags``, ``content_list``) are a JSON array or space-separated
values, ``extra`` may be a JSON object, numbers are converted per column, and
an empty cell means "not given".
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pydantic
from tqdm import tqdm

from engine.errors import ValidationError
from engine.events import ActivityIn, EngagementIn, FollowIn, ImpressionIn, UserIn
from engine.ingest import Ingestor
from engine.settings import Settings, get_settings
from engine.store import GraphStore

Format = Literal["jsonl", "csv"]
MAX_REPORTED = 50  # bad lines printed in full; the rest are counted


@dataclass(frozen=True)
class Kind:
    model: type[pydantic.BaseModel]
    numbers: dict[str, Callable[[str], Any]]  # CSV columns that hold numbers
    lists: tuple[str, ...] = ()  # CSV columns that hold lists
    objects: tuple[str, ...] = ()  # CSV columns that may hold a JSON object


KINDS: dict[str, Kind] = {
    "users": Kind(UserIn, {}),
    "activities": Kind(ActivityIn, {}, lists=("tags",), objects=("extra",)),
    "follows": Kind(FollowIn, {}),
    "engagements": Kind(EngagementIn, {"score": float, "position": int}, objects=("content",)),
    "impressions": Kind(ImpressionIn, {"position": int}, lists=("content_list",)),
}


@dataclass(frozen=True)
class LineError:
    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class ImportRejected(ValidationError):
    """At least one line is bad; nothing was written."""

    def __init__(self, errors: list[LineError], total: int) -> None:
        shown = "\n".join(str(e) for e in errors[:MAX_REPORTED])
        more = f"\n… and {total - MAX_REPORTED} more" if total > MAX_REPORTED else ""
        super().__init__(f"{total} bad line(s); nothing was written:\n{shown}{more}",
                         bad_lines=total)
        self.errors = errors


def detect_format(path: Path, given: str | None) -> Format:
    if given:
        if given not in ("jsonl", "csv"):
            raise ValidationError(f"unknown format {given!r}: use jsonl or csv")
        return given  # type: ignore[return-value]
    return "csv" if path.suffix.lower() == ".csv" else "jsonl"


def read_lines(path: Path, fmt: Format, kind: Kind) -> Iterator[tuple[int, Any]]:
    """(line number, raw row or a LineError) for every record of the file."""
    try:
        handle = path.open(encoding="utf-8", newline="" if fmt == "csv" else None)
    except OSError as e:
        raise ValidationError(f"cannot read {path}: {e.strerror}") from e
    with handle:
        if fmt == "jsonl":
            for number, text in enumerate(handle, start=1):
                if text.strip():
                    yield number, _json_row(path, number, text)
            return
        reader = csv.DictReader(handle)
        for record in reader:
            yield reader.line_num, _csv_row(path, reader.line_num, record, kind)


def _json_row(path: Path, number: int, text: str) -> Any:
    try:
        row = json.loads(text)
    except ValueError as e:
        return LineError(path, number, f"not valid JSON: {e}")
    if not isinstance(row, dict):
        return LineError(path, number, "expected a JSON object")
    return row


def _csv_row(path: Path, number: int, record: dict[str | None, Any], kind: Kind) -> Any:
    if None in record:
        return LineError(path, number, "more cells than the header has columns")
    row: dict[str, Any] = {}
    for column, cell in record.items():
        if cell is None or cell == "" or column is None:
            continue  # an empty cell means "not given"
        try:
            value = _cell(column, cell, kind)
        except ValueError as e:
            return LineError(path, number, f"{column}: {e}")
        *parents, leaf = column.split(".")
        target = row
        for part in parents:
            target = target.setdefault(part, {})
            if not isinstance(target, dict):
                return LineError(path, number, f"{column}: {part} is both a value and a map")
        target[leaf] = value
    return row


def _cell(column: str, cell: str, kind: Kind) -> Any:
    if column in kind.numbers:
        try:
            return kind.numbers[column](cell)
        except ValueError:
            raise ValueError(f"{cell!r} is not a number") from None
    if column in kind.lists:
        if cell.lstrip().startswith("["):
            return json.loads(cell)
        return cell.split()
    if column in kind.objects and cell.lstrip().startswith("{"):
        return json.loads(cell)
    return cell


def _validate(model: type[pydantic.BaseModel], path: Path, number: int,
              raw: Any) -> tuple[pydantic.BaseModel | None, list[LineError]]:
    if isinstance(raw, LineError):
        return None, [raw]
    try:
        return model.model_validate(raw), []
    except pydantic.ValidationError as e:
        return None, [LineError(path, number, _message(err)) for err in e.errors()]


def _message(err: Any) -> str:
    where = ".".join(str(p) for p in err["loc"]) or "row"
    # pydantic prefixes messages of custom validators with "Value error, ".
    return f"{where}: {str(err['msg']).removeprefix('Value error, ')}"


@dataclass
class Checked:
    rows: int
    user_refs: dict[str, tuple[Path, int]]
    post_refs: dict[str, tuple[Path, int]]


def check_files(kind_name: str, files: Sequence[Path], fmt: str | None,
                progress: bool = False) -> Checked:
    """Validate every line of every file; raise ImportRejected listing each bad one."""
    kind = KINDS[kind_name]
    errors: list[LineError] = []
    total_errors = 0
    checked = Checked(0, {}, {})
    for path in files:
        lines = read_lines(path, detect_format(path, fmt), kind)
        for number, raw in tqdm(lines, desc=f"checking {path.name}", unit=" lines",
                                disable=not progress):
            parsed, bad = _validate(kind.model, path, number, raw)
            if bad:
                total_errors += 1
                if len(errors) < MAX_REPORTED:
                    errors.extend(bad[:1])
                continue
            checked.rows += 1
            _note_refs(kind_name, parsed, checked, (path, number))
    if total_errors:
        raise ImportRejected(errors, total_errors)
    return checked


def _note_refs(kind_name: str, parsed: Any, checked: Checked, where: tuple[Path, int]) -> None:
    if kind_name == "follows":
        checked.user_refs.setdefault(parsed.source, where)
        checked.user_refs.setdefault(parsed.target, where)
    elif kind_name == "engagements":
        checked.post_refs.setdefault(parsed.content_id, where)
    elif kind_name == "impressions":
        for post in parsed.content_list:
            checked.post_refs.setdefault(post, where)


def check_references(store: GraphStore, checked: Checked, batch: int) -> None:
    """Every user and post the files name must exist before anything is written."""
    errors: list[LineError] = []
    users = sorted(checked.user_refs)
    for a in range(0, len(users), batch):
        for r in store.read("ingest/find_missing_users", ids=users[a:a + batch]):
            path, line = checked.user_refs[r["id"]]
            errors.append(LineError(path, line, f"unknown user {r['id']!r}"))
    posts = sorted(checked.post_refs)
    for a in range(0, len(posts), batch):
        for r in store.read("ingest/find_missing_posts", ids=posts[a:a + batch]):
            path, line = checked.post_refs[r["id"]]
            errors.append(LineError(path, line, f"unknown post {r['id']!r}"))
    if errors:
        errors.sort(key=lambda e: (str(e.path), e.line))
        raise ImportRejected(errors[:MAX_REPORTED], len(errors))


def import_files(store: GraphStore, kind_name: str, files: Sequence[Path], *,
                 fmt: str | None = None, settings: Settings | None = None,
                 progress: bool = True) -> dict[str, int]:
    """Validate all files, check references, then write in batches; returns counts."""
    if kind_name not in KINDS:
        raise ValidationError(f"unknown kind {kind_name!r}: use one of {', '.join(KINDS)}")
    settings = settings or get_settings()
    kind = KINDS[kind_name]
    checked = check_files(kind_name, files, fmt, progress)
    check_references(store, checked, settings.max_batch)

    ingestor = Ingestor(store, settings)
    write = _writer(ingestor, kind_name)
    counts = {"rows": checked.rows, "written": 0, "duplicates": 0}
    size = settings.max_batch
    batch: list[Any] = []
    weight = 0  # impressions are limited by the posts they name, not by rows

    def flush() -> None:
        nonlocal batch, weight
        if batch:
            written, duplicates = write(batch)
            counts["written"] += written
            counts["duplicates"] += duplicates
            bar.update(len(batch))
        batch, weight = [], 0

    with tqdm(total=checked.rows, desc=f"writing {kind_name}", unit=" rows",
              disable=not progress) as bar:
        for path in files:
            for number, raw in read_lines(path, detect_format(path, fmt), kind):
                parsed, bad = _validate(kind.model, path, number, raw)
                if parsed is None:  # the file changed since it was checked
                    raise ImportRejected(bad, len(bad))
                cost = len(parsed.content_list) if kind_name == "impressions" else 1  # type: ignore[attr-defined]
                if batch and weight + cost > size:
                    flush()
                batch.append(parsed)
                weight += cost
        flush()
    return counts


def _writer(ingestor: Ingestor, kind_name: str) -> Callable[[list[Any]], tuple[int, int]]:
    """The Ingestor call per kind, as (written, duplicates)."""
    if kind_name == "users":
        return lambda rows: (ingestor.upsert_users(rows), 0)
    if kind_name == "activities":
        return lambda rows: (ingestor.add_activities(rows), 0)
    if kind_name == "follows":
        return lambda rows: (ingestor.follow_many(rows), 0)
    if kind_name == "engagements":
        def engagements(rows: list[Any]) -> tuple[int, int]:
            result = ingestor.track_engagements(rows)
            return result.accepted, result.duplicates
        return engagements
    return lambda rows: (ingestor.track_impressions(rows), 0)
