"""What the machine-coded feed importers (GDELT, ICEWS) share: the import summary, the salience normalisation,
the dyad helpers, and safe reading of what users give (zip archives, lines, bytes that are not UTF-8, control
characters).

Normalisation (``NORMALISATIONS``) spreads a fixed total salience over the n events of one (day, type) so that a
busy news day does not swamp a hand-coded record:

- ``raw``: every event has salience 1 (a day-type sums to n);
- ``log`` (default): every event has salience log1p(n)/n (a day-type sums to log1p(n): 1 event → 0.69, 10 → 2.4,
  1000 → 6.9);
- ``mentions``: every event has its share of the day's mentions, NumMentions / Σ NumMentions over the day's events
  of all types (a day sums to 1, so its shock is the mention-weighted mean of the type weights).

Untrusted input (``FeedLimits``): a zip archive is unpacked member by member, counting the bytes as they are
written (the sizes a zip declares are never trusted), and refused with a ``FeedError`` as soon as it passes a limit:
total size, compression ratio of a member, number of entries. Zips inside a zip are not unpacked. Lines read one
by one (a file's first lines, to detect its layout) are bounded in length. Bytes that are not UTF-8 are replaced by
U+FFFD and control characters in the imported text by spaces; both are reported line by line in
``FeedSummary.repaired``.
"""

from __future__ import annotations

import codecs
import lzma
import mmap
import struct
import tempfile
import zipfile
import zlib
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

#: An archive may unpack to at most this many bytes in all, counted as they are written. 2 GiB holds any one GDELT
#: or ICEWS file with room to spare (a GDELT 1.0 daily export is 50–200 MB unzipped, a GDELT 2.0 15-minute export
#: 1–10 MB, an ICEWS year ~100 MB) and bounds the temporary disk an archive can fill. A larger archive can be
#: unzipped first: plain files have no limit. The dashboard passes a smaller limit.
MAX_UNPACKED_BYTES = 2 << 30
#: A member that unpacks to more than this many times its compressed size is refused. GDELT and ICEWS files deflate
#: 4–12:1 (the fixtures, zipped: GDELT 1.0 4.0, GDELT 2.0 5.9, BigQuery export 5.9, ICEWS 9.5 and 11.6); a zip bomb
#: reaches 1,000:1 (50 MB of zeros deflate to 51 kB). 200:1 leaves a margin of 17 over the most compressible feed.
MAX_RATIO = 200
#: Members are checked for their ratio once they pass this size: a short file of repeated lines may compress beyond
#: ``MAX_RATIO`` and is harmless.
RATIO_FREE_BYTES = 1 << 20
#: An archive with more entries is refused (GDELT and ICEWS zips hold one file each).
MAX_MEMBERS = 64
#: A line read on its own (a file's first lines, to detect its layout) may be this long at most; a GDELT line is
#: ~0.5–2 kB, so a longer one is binary data or a file without line ends. It is an error naming file and line.
MAX_LINE_BYTES = 1 << 20
#: Raw exports are read in blocks of whole lines of about this many bytes (memory does not grow with the file).
BLOCK_BYTES = 64 << 20
_CHUNK = 1 << 20
_ZIP_MAGIC = b"PK\x03\x04"
#: Errors that reading a hostile or damaged zip member can raise in zipfile and its decompressors.
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, lzma.LZMAError, EOFError, NotImplementedError,
               RuntimeError, OSError, ValueError, struct.error)
_CONTROL = r"\p{Cc}"


def printable(text: str) -> str:
    """``text`` with every control character (U+0000–U+001F, U+007F–U+009F) replaced by ``?``: safe to print."""
    return "".join("?" if (c < " " or "\x7f" <= c <= "\x9f") else c for c in text)


def one_line(text: str) -> str:
    """``text`` as one printable line: whitespace runs (newlines included) become one space."""
    return printable(" ".join(text.split()))


def error_kind(exc: BaseException) -> str:
    """The exception's class, with its module unless built in: ``zlib.error``, ``zipfile.BadZipFile``, ``EOFError``."""
    kind = type(exc).__qualname__
    return kind if type(exc).__module__ == "builtins" else f"{type(exc).__module__}.{kind}"


@dataclass(frozen=True)
class FeedLimits:
    """Limits on what an import reads: unpacked bytes of an archive, compression ratio of a member, entries of an
    archive, length of a line read on its own (defaults: the constants of the same names)."""

    max_bytes: int = MAX_UNPACKED_BYTES
    max_ratio: float = MAX_RATIO
    max_members: int = MAX_MEMBERS
    max_line_bytes: int = MAX_LINE_BYTES


class FeedError(ValueError):
    """A feed file that cannot be imported at all (unknown layout, empty, no line parses, an archive refused); the
    message is always one printable line."""

    def __init__(self, message: str):
        super().__init__(one_line(message))


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
    repaired: list[tuple[str, int, str]] = field(default_factory=list)

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
        if self.repaired:
            fixed = "; ".join(f"{f} line {n}: {m}" for f, n, m in self.repaired[:SHOWN_PROBLEMS])
            more = f"; … {len(self.repaired) - SHOWN_PROBLEMS} more" if len(self.repaired) > SHOWN_PROBLEMS else ""
            parts.append(f"{len(self.repaired):,} lines imported with repairs ({fixed}{more})")
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
def unpacked(path: Path, limits: FeedLimits | None = None) -> Iterator[list[tuple[Path, str]]]:
    """The data files behind ``path`` with their display names: the file itself, or each member of a zip archive
    extracted (streamed, constant memory, within ``limits``) into a temporary folder removed afterwards.

    Raises FeedError, naming the archive and member, for an archive that is damaged, encrypted, nested or past a
    limit (``FeedLimits``)."""
    with path.open("rb") as fh:
        is_zip = fh.read(4) == _ZIP_MAGIC or zipfile.is_zipfile(path)
    if not is_zip:
        yield [(path, printable(path.name))]
        return
    with tempfile.TemporaryDirectory(prefix="tension-feed-") as tmp:
        yield _extract(path, Path(tmp), limits or FeedLimits())


def _extract(path: Path, folder: Path, limits: FeedLimits) -> list[tuple[Path, str]]:
    label = printable(path.name)
    expected = "expected a zip of GDELT or ICEWS files, unencrypted, deflated or stored"
    try:
        archive = zipfile.ZipFile(path)
    except _ZIP_ERRORS as exc:
        raise FeedError(f"{label}: not a readable zip archive ({exc}); {expected}") from None
    with archive:
        entries = archive.infolist()
        if len(entries) > limits.max_members:
            raise FeedError(f"{label}: the zip archive has {len(entries):,} entries, over the limit of "
                            f"{limits.max_members:,}; {expected}")
        members = [m for m in entries if not m.is_dir()]
        if not members:
            raise FeedError(f"{label}: the zip archive is empty")
        size = path.stat().st_size
        total, out = 0, []
        for i, member in enumerate(members):
            name = f"{label}:{printable(member.filename)}"
            if member.flag_bits & 0x1:
                raise FeedError(f"{name}: the member is encrypted (password-protected); {expected}")
            # zipfile reads at most the declared compressed size, and never more than the archive holds: the output
            # allowed by the ratio is bounded by what the archive can feed the decompressor, whatever it declares.
            allowed = limits.max_ratio * max(1, min(member.compress_size, size))
            target = folder / f"{i}.data"
            written = 0
            with target.open("wb") as dst:
                for chunk in _member_chunks(archive, member, name, expected):
                    if written == 0 and chunk.startswith(_ZIP_MAGIC):
                        raise FeedError(f"{name}: a zip inside the zip archive; nested archives are not unpacked "
                                        "(unzip it and give its files)")
                    written += len(chunk)
                    total += len(chunk)
                    if total > limits.max_bytes:
                        raise FeedError(f"{label}: unpacks to more than {limits.max_bytes:,} bytes, the limit for "
                                        "an archive (a zip bomb?); unzip it yourself and give the plain files")
                    if written > RATIO_FREE_BYTES and written > allowed:
                        raise FeedError(f"{name}: unpacks to more than {limits.max_ratio:g} times its compressed "
                                        f"size of {member.compress_size:,} bytes (a zip bomb?); GDELT and ICEWS "
                                        "files compress about 4 to 12 times")
                    dst.write(chunk)
            out.append((target, name))
    return out


def _member_chunks(archive: zipfile.ZipFile, member: zipfile.ZipInfo, name: str, expected: str) -> Iterator[bytes]:
    """The decompressed bytes of one member in chunks; any failure of zipfile or a decompressor is a FeedError."""
    try:
        with archive.open(member) as src:
            while chunk := src.read(_CHUNK):
                yield chunk
    except _ZIP_ERRORS as exc:
        if isinstance(exc, FeedError):
            raise
        raise FeedError(f"{name}: a damaged or unsupported zip member ({error_kind(exc)}: {exc}); "
                        f"{expected}") from None


@contextmanager
def saved(files: Iterable[tuple[str, bytes]]) -> Iterator[list[Path]]:
    """Uploaded ``(name, content)`` pairs written to a temporary folder (removed afterwards) under their own
    base names, so that the importers can scan them and report them by name."""
    with tempfile.TemporaryDirectory(prefix="tension-upload-") as tmp:
        paths = []
        for i, (name, content) in enumerate(files):
            folder = Path(tmp) / str(i)
            folder.mkdir()
            base = printable(Path(name.replace("\x00", "?")).name)[-60:]  # no NUL, no folder, at most 240 bytes
            path = folder / (base if base not in ("", ".", "..") else "upload")
            path.write_bytes(content)
            paths.append(path)
        yield paths


def first_lines(path: Path, name: str, n: int, max_line_bytes: int = MAX_LINE_BYTES) -> list[bytes]:
    """Up to ``n`` lines from the start of a file, line ends removed; FeedError naming the file and line for a line
    longer than ``max_line_bytes`` (only that much is ever read of it)."""
    out: list[bytes] = []
    with path.open("rb") as fh:
        while len(out) < n and (raw := fh.readline(max_line_bytes + 1)):
            line = raw[:-1] if raw.endswith(b"\n") else raw
            if len(line) > max_line_bytes:
                raise FeedError(f"{name}, line {len(out) + 1}: longer than {max_line_bytes:,} bytes; expected a "
                                "text file of lines (is it binary, or missing its line ends?)")
            out.append(line.rstrip(b"\r"))
    return out


def line_blocks(path: Path, block_bytes: int = BLOCK_BYTES, *, name: str | None = None,
                max_line_bytes: int = MAX_LINE_BYTES) -> Iterator[bytes]:
    """The file as blocks of whole lines of about ``block_bytes`` each, read through a memory map so that a file
    larger than memory is read in constant memory; FeedError for a line longer than both sizes."""
    size = path.stat().st_size
    if size == 0:
        return
    with path.open("rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        start = 0
        while start < size:
            end = min(start + max(block_bytes, 1), size)
            if end < size:
                cut = mm.rfind(b"\n", start, end)
                if cut < 0:  # one line fills the block: it may run on up to the longer of the two sizes
                    limit = min(start + max(block_bytes, max_line_bytes) + 1, size)
                    cut = mm.find(b"\n", end, limit)
                    if cut < 0 and limit < size:
                        line = sum(mm[i:min(i + BLOCK_BYTES, start)].count(b"\n")
                                   for i in range(0, start, BLOCK_BYTES)) + 1
                        raise FeedError(f"{name or printable(path.name)}, line {line:,}: longer than "
                                        f"{max(block_bytes, max_line_bytes):,} bytes; expected lines of text")
                end = cut + 1 if cut >= 0 else size
            yield mm[start:end]
            start = end


def non_utf8_lines(block: bytes, first_line: int = 1) -> list[tuple[int, int]]:
    """(line number, bytes that are not UTF-8) for each line of ``block`` that has any; ``first_line`` is the number
    of its first line. Fast for the usual case: an ASCII or valid UTF-8 block is checked without splitting it."""
    if block.isascii():
        return []
    view, start, size = memoryview(block), 0, len(block)
    try:
        while start < size:  # in chunks (no copy of the block); a sequence cut by a chunk's end is decoded next
            start += codecs.utf_8_decode(view[start:start + _CHUNK], "strict", start + _CHUNK >= size)[1]
        return []
    except UnicodeDecodeError:
        pass
    out = []
    for i, line in enumerate(block.split(b"\n")):
        if not line.isascii():
            valid = len(line.decode("utf-8", errors="ignore").encode("utf-8"))
            if valid < len(line):
                out.append((first_line + i, len(line) - valid))
    return out


def non_utf8_report(source: Path | bytes, name: str, first_line: int = 1, max_line_bytes: int = MAX_LINE_BYTES
                    ) -> list[tuple[str, int, str]]:
    """``FeedSummary.repaired`` entries for the lines of a file (or of a block of its lines starting at
    ``first_line``) with bytes that are not UTF-8, which a lossy reading replaces by U+FFFD."""
    if isinstance(source, bytes):
        return [(name, line, f"{n} byte{'s' if n > 1 else ''} not UTF-8, replaced by U+FFFD")
                for line, n in non_utf8_lines(source, first_line)]
    out = []
    for block in line_blocks(source, name=name, max_line_bytes=max_line_bytes):
        out.extend(non_utf8_report(block, name, first_line))
        first_line += block.count(b"\n")
    return out


def nonblank(column: pl.Expr) -> pl.Expr:
    """True where a text column holds something besides whitespace and control characters."""
    return column.str.replace_all(r"[\s\p{Cc}]", "").str.len_chars().fill_null(0) > 0


def replace_controls(events: pl.DataFrame, summary: FeedSummary) -> pl.DataFrame:
    """``events`` with every control character (U+0000–U+001F, U+007F–U+009F: NUL, tab, newline, escape, …) in its
    text columns replaced by a space; each event changed is reported in ``summary.repaired`` by its ``feed_file``
    and ``feed_line``, and ``summary.repaired`` is put in the order of files and lines."""
    text = [c for c, t in events.schema.items() if t == pl.String]
    if not text:
        return events
    hit = events.filter(pl.any_horizontal(pl.col(c).str.contains(_CONTROL).fill_null(False) for c in text))
    for row in hit.iter_rows(named=True):
        chars = sorted({ch for c in text if row[c] for ch in row[c] if printable(ch) != ch})
        cols = [c for c in text if row[c] and printable(row[c]) != row[c]]
        shown = ", ".join(f"U+{ord(ch):04X}" for ch in chars)
        summary.repaired.append((row["feed_file"], int(row["feed_line"]),
                                 f"control character{'s' if len(chars) > 1 else ''} {shown} in "
                                 f"{', '.join(cols)} replaced by spaces"))
    order = {name: k for k, name in enumerate(dict.fromkeys(summary.files))}
    summary.repaired.sort(key=lambda r: (order.get(r[0], len(order)), r[1]))
    if hit.height == 0:
        return events
    return events.with_columns(pl.col(c).str.replace_all(_CONTROL, " ") for c in text)
