"""What the machine-coded feed importers (GDELT, ICEWS) share: the import summary, the salience normalisation
and the dyad and zip helpers.

Normalisation (``NORMALISATIONS``) spreads a fixed total salience over the n events of one (day, type) so that a
busy news day does not swamp a hand-coded record:

- ``raw``: every event has salience 1 (a day-type sums to n);
- ``log`` (default): every event has salience log1p(n)/n (a day-type sums to log1p(n): 1 event → 0.69, 10 → 2.4,
  1000 → 6.9);
- ``mentions``: every event has its share of the day's mentions, NumMentions / Σ NumMentions over the day's events
  of all types (a day sums to 1, so its shock is the mention-weighted mean of the type weights).
"""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

NORMALISATIONS = ("log", "mentions", "raw")
DEFAULT_NORMALISATION = "log"
DEFAULT_DYAD = ("CHN", "USA")
#: Malformed lines described one by one in the summary line; the full list stays in ``FeedSummary.malformed``.
SHOWN_PROBLEMS = 10


class FeedError(ValueError):
    """A feed file that cannot be imported at all (unknown layout, empty, no line parses)."""


@dataclass
class FeedSummary:
    """What an import read, kept and left out; nothing is dropped without being counted here."""

    files: list[str] = field(default_factory=list)
    rows_read: int = 0
    dyad_rows: int = 0
    events: int = 0
    unmapped: dict[str, int] = field(default_factory=dict)
    malformed: list[tuple[str, int, str]] = field(default_factory=list)
    duplicates: dict[str, int] = field(default_factory=dict)
    duplicates_removed: int = 0
    unresolved_actors: dict[str, int] = field(default_factory=dict)

    def line(self) -> str:
        """One summary line: rows read, dyad rows, unmapped codes, malformed lines with their line numbers."""
        parts = [f"{self.rows_read:,} rows read from {len(self.files)} file(s)", f"{self.dyad_rows:,} dyad rows",
                 f"{self.events:,} events imported"]
        unmapped = sum(self.unmapped.values())
        codes = ", ".join(f"{c} ×{n}" for c, n in sorted(self.unmapped.items())[:SHOWN_PROBLEMS])
        parts.append(f"{unmapped:,} dyad rows with unmapped CAMEO codes" + (f" ({codes})" if codes else ""))
        if self.unresolved_actors:
            names = ", ".join(f"{a} ×{n}" for a, n in sorted(self.unresolved_actors.items())[:SHOWN_PROBLEMS])
            parts.append(f"{sum(self.unresolved_actors.values()):,} rows with an actor of unknown country ({names})")
        where = "; ".join(f"{f} line {n}: {m}" for f, n, m in self.malformed[:SHOWN_PROBLEMS])
        more = f"; … {len(self.malformed) - SHOWN_PROBLEMS} more" if len(self.malformed) > SHOWN_PROBLEMS else ""
        parts.append(f"{len(self.malformed):,} malformed lines" + (f" ({where}{more})" if where else ""))
        if self.duplicates:
            extra = sum(self.duplicates.values()) - len(self.duplicates)
            parts.append(f"{len(self.duplicates):,} duplicated ids ({extra:,} extra rows, "
                         f"{self.duplicates_removed:,} removed)")
        return "; ".join(parts)


def check_dyad(dyad: tuple[str, str] | list[str] | str) -> tuple[str, str]:
    """Two distinct ISO3 country codes, from a pair or a string like ``"CHN,USA"``."""
    codes = [c.strip().upper() for c in (dyad.split(",") if isinstance(dyad, str) else dyad)]
    if len(codes) != 2 or codes[0] == codes[1] or not all(len(c) == 3 and c.isalpha() for c in codes):
        raise ValueError(f"dyad must be two different ISO3 country codes like 'CHN,USA', got {dyad!r}")
    return codes[0], codes[1]


def dyad_expr(country1: pl.Expr, country2: pl.Expr, dyad: tuple[str, str]) -> pl.Expr:
    """True where the two actor countries are the dyad, in either direction."""
    a, b = dyad
    return ((country1 == a) & (country2 == b)) | ((country1 == b) & (country2 == a))


def check_normalisation(normalisation: str) -> str:
    """The normalisation name, or ValueError listing the known ones."""
    if normalisation not in NORMALISATIONS:
        raise ValueError(f"normalisation must be one of {', '.join(NORMALISATIONS)}, got {normalisation!r}")
    return normalisation


def normalised_salience(frame: pl.DataFrame, normalisation: str, mentions: str | None = None) -> pl.Series:
    """The salience of each row of ``frame`` (columns ``date``, ``type`` and ``mentions``) under a normalisation."""
    check_normalisation(normalisation)
    if normalisation == "raw":
        return pl.Series("salience", [1.0] * frame.height, dtype=pl.Float64)
    if normalisation == "log":
        n = pl.len().over("date", "type").cast(pl.Float64)
        return frame.select((n.log1p() / n).alias("salience"))["salience"]
    if mentions is None:
        share = 1.0 / pl.len().over("date").cast(pl.Float64)
    else:
        share = pl.col(mentions).cast(pl.Float64) / pl.col(mentions).cast(pl.Float64).sum().over("date")
    return frame.select(share.alias("salience"))["salience"]


def duplicated_ids(ids: pl.Series) -> dict[str, int]:
    """Each id that occurs more than once, with its count."""
    counts = ids.value_counts()
    dup = counts.filter(pl.col("count") > 1)
    return dict(zip(dup[ids.name].to_list(), dup["count"].to_list()))


@contextmanager
def unpacked(path: Path) -> Iterator[list[tuple[Path, str]]]:
    """The data files behind ``path`` with their display names: the file itself, or each member of a zip archive
    extracted (streamed, constant memory) into a temporary folder removed afterwards."""
    with path.open("rb") as fh:
        is_zip = fh.read(4) == b"PK\x03\x04" or zipfile.is_zipfile(path)
    if not is_zip:
        yield [(path, path.name)]
        return
    with tempfile.TemporaryDirectory(prefix="tension-feed-") as tmp:
        out = []
        try:
            with zipfile.ZipFile(path) as archive:
                members = [m for m in archive.infolist() if not m.is_dir()]
                if not members:
                    raise FeedError(f"{path.name}: the zip archive is empty")
                for i, member in enumerate(members):
                    target = Path(tmp) / f"{i}.data"
                    with archive.open(member) as src, target.open("wb") as dst:
                        shutil.copyfileobj(src, dst, 1 << 20)
                    out.append((target, f"{path.name}:{member.filename}"))
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError) as exc:
            raise FeedError(f"{path.name}: not a readable zip archive ({exc})") from None
        yield out


@contextmanager
def saved(files: Iterable[tuple[str, bytes]]) -> Iterator[list[Path]]:
    """Uploaded ``(name, content)`` pairs written to a temporary folder (removed afterwards) under their own
    base names, so that the importers can scan them and report them by name."""
    with tempfile.TemporaryDirectory(prefix="tension-upload-") as tmp:
        paths = []
        for i, (name, content) in enumerate(files):
            folder = Path(tmp) / str(i)
            folder.mkdir()
            path = folder / (Path(name).name or "upload")
            path.write_bytes(content)
            paths.append(path)
        yield paths
