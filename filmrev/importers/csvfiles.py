"""Reading other services' CSV exports: a BOM, CRLF, quoted newlines and very long fields.

Files are decoded as strict UTF-8 (an optional BOM is dropped) and parsed with the
standard ``csv`` module without newline translation, so a review that spans lines
inside quotes keeps its exact line breaks. Every row remembers the line it starts
on, for ``file:line: reason`` messages.
"""

from __future__ import annotations

import csv
import io
import sys
from dataclasses import dataclass

from filmrev.importers.common import MAX_CSV_ROWS, Problems, clean_cell
from filmrev.model import BODY_MAX

BOM = "\ufeff"
#: The csv module refuses fields over 128 KiB by default; a long review is longer. No cell
#: may be longer than a review body may be (see README "Limits").
FIELD_LIMIT = min(sys.maxsize, BODY_MAX)
#: Rows whose removed control characters get a note each; the rest are counted in one line.
NOTED_ROWS = 5


@dataclass(frozen=True)
class Row:
    """One data row: the line it starts on and its cells by (stripped) header name."""

    line: int
    cells: dict[str, str]

    def get(self, name: str) -> str:
        return self.cells.get(name, "")


@dataclass(frozen=True)
class Table:
    """A CSV file: its name for messages, its header, its rows."""

    name: str
    header: tuple[str, ...]
    rows: list[Row]

    def origin(self, line: int) -> str:
        return f"{self.name}:{line}"


def decode(data: bytes, name: str, problems: Problems) -> str | None:
    """UTF-8 text without a leading BOM, or None (problem recorded) when it is not UTF-8."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        problems.add(f"{name}:{line}", f"not UTF-8 text (byte 0x{data[error.start]:02x})")
        return None
    return text[1:] if text.startswith(BOM) else text


def raw_rows(text: str, name: str, problems: Problems) -> list[tuple[int, list[str]]]:
    """Every non-blank record with the line it starts on (csv errors recorded)."""
    csv.field_size_limit(FIELD_LIMIT)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, list[str]]] = []
    previous = 0
    dirty_rows = 0
    try:
        for cells in reader:
            start = previous + 1
            previous = reader.line_num
            if cells and any(cell != "" for cell in cells):
                if len(rows) == MAX_CSV_ROWS:
                    problems.add(f"{name}:{start}", f"more than {MAX_CSV_ROWS:,} rows; not read")
                    break
                cleaned, removed = _clean_cells(cells)
                if removed:
                    dirty_rows += 1
                    if dirty_rows <= NOTED_ROWS:
                        noun = (
                            "character or sequence" if removed == 1 else "characters or sequences"
                        )
                        problems.notes.append(
                            f"{name}:{start}: removed {removed} control {noun} (NUL, BEL, ESC...)"
                        )
                rows.append((start, cleaned))
    except csv.Error as error:
        reason = str(error)
        if "field larger than field limit" in reason:
            reason = f"a cell is longer than {FIELD_LIMIT:,} characters (the body limit)"
        problems.add(f"{name}:{previous + 1}", f"not valid CSV: {reason}")
    if dirty_rows > NOTED_ROWS:
        problems.notes.append(
            f"{name}: control characters removed from {dirty_rows - NOTED_ROWS:,} more rows"
        )
    return rows


def _clean_cells(cells: list[str]) -> tuple[list[str], int]:
    """Cells without control characters and escape sequences, and how many were removed."""
    removed = 0
    cleaned = []
    for cell in cells:
        text, count = clean_cell(cell)
        cleaned.append(text)
        removed += count
    return cleaned, removed


def first_record(text: str) -> list[str]:
    """The first CSV record of ``text`` (for telling formats apart); [] when there is none."""
    csv.field_size_limit(FIELD_LIMIT)
    try:
        for cells in csv.reader(io.StringIO(text, newline="")):
            if cells:
                return [cell.strip() for cell in cells]
    except csv.Error:
        return []
    return []


def table(
    records: list[tuple[int, list[str]]], name: str, problems: Problems, start: int = 0
) -> Table:
    """Header ``records[start]`` and the data rows after it, as a :class:`Table`.

    A row with more cells than the header is a problem; missing trailing cells are empty.
    """
    if len(records) <= start:
        return Table(name, (), [])
    header = tuple(cell.strip() for cell in records[start][1])
    seen: set[str] = set()
    for column in header:
        if column and column in seen:
            header_line = records[start][0]
            problems.add(f"{name}:{header_line}", f"column {column!r} appears twice in the header")
            return Table(name, header, [])
        seen.add(column)
    rows: list[Row] = []
    for line, cells in records[start + 1 :]:
        if len(cells) > len(header):
            problems.add(
                f"{name}:{line}", f"row has {len(cells)} cells but the header has {len(header)}"
            )
            continue
        rows.append(Row(line, dict(zip(header, cells, strict=False))))
    return Table(name, header, rows)


def read_table(data: bytes, name: str, problems: Problems) -> Table:
    """Decode and parse a CSV file with a header line."""
    text = decode(data, name, problems)
    if text is None:
        return Table(name, (), [])
    return table(raw_rows(text, name, problems), name, problems)
