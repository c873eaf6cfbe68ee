"""Problems found in input files, reported all at once as `file:row: column: message`.

Rows are numbered as a spreadsheet shows them: the header is row 1, the first record row 2.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd

TIMESTAMP_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is and what was expected."""

    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file if self.row is None else f"{self.file}:{self.row}"
        if self.column:
            return f"{where}: {self.column}: {self.message}"
        return f"{where}: {self.message}"


class InputError(ValueError):
    """Bad input from a user (a file, a flag, a field): shown as a message, not a traceback."""


class DataError(InputError):
    """Input files that cannot be used; carries every problem found, in file order."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def read_csv_text(path: Path, label: str | None = None) -> pd.DataFrame:
    """Read a UTF-8 CSV (with or without BOM) as strings; no value is turned into NaN.

    Raises DataError when the file is missing, not UTF-8, empty or malformed.
    """
    name = label or path.name
    if not path.is_file():
        raise DataError([Problem(name, None, None, f"expected a file at {path}, found none")])
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise DataError([Problem(name, None, None,
                                 f"expected UTF-8 text, got a byte 0x{raw[err.start]:02x} "
                                 f"at offset {err.start} (save the file as CSV UTF-8)")]) from None
    if not text.strip():
        raise DataError([Problem(name, None, None, "expected a header row, got an empty file")])
    reader = csv.reader(io.StringIO(text))
    rows = list(reader)
    header = [h.strip() for h in rows[0]]
    problems = []
    for number, row in enumerate(rows[1:], start=2):
        if row and len(row) != len(header) and any(cell.strip() for cell in row):
            problems.append(Problem(name, number, None,
                                    f"expected {len(header)} fields, got {len(row)}"))
    if problems:
        raise DataError(problems)
    body = [r for r in rows[1:] if any(cell.strip() for cell in r)]
    numbers = [i for i, r in enumerate(rows[1:], start=2) if any(cell.strip() for cell in r)]
    frame = pd.DataFrame(body, columns=header, dtype=str)
    frame.index = pd.Index(numbers, name="row")
    return frame.apply(lambda col: col.str.strip()) if len(frame) else frame


def check_columns(frame: pd.DataFrame, name: str, required: Iterable[str],
                  optional: Iterable[str] = ()) -> list[Problem]:
    """Missing required columns and unknown columns."""
    columns = list(frame.columns)
    required, optional = list(required), list(optional)
    problems = [Problem(name, 1, column, f"expected a column {column!r}, got columns {columns}")
                for column in required if column not in columns]
    known = set(required) | set(optional)
    problems += [Problem(name, 1, column,
                         f"expected only columns {required + optional}, got {column!r}")
                 for column in columns if column not in known]
    seen = set()
    for column in columns:
        if column in seen:
            problems.append(Problem(name, 1, column, "expected each column once, got it twice"))
        seen.add(column)
    return problems


def parse_timestamp(value: str) -> datetime:
    """Parse local wall-clock `YYYY-MM-DD HH:MM` (ISO 8601 with `T` or seconds accepted)."""
    text = value.strip()
    for fmt in TIMESTAMP_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    raise ValueError(f"expected a timestamp YYYY-MM-DD HH:MM, got {value!r}")


def format_timestamp(value: datetime | pd.Timestamp) -> str:
    """The contract's timestamp format, `YYYY-MM-DD HH:MM`."""
    return value.strftime("%Y-%m-%d %H:%M")
