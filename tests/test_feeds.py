"""What the feed importers share: archive limits and failures, bounded lines, bytes that are not UTF-8, control
characters, the summary line. Each hostile file is built in its test."""

from __future__ import annotations

import zipfile
from pathlib import Path

import polars as pl
import pytest

from tension.sources.feeds import (
    MAX_RATIO,
    FeedError,
    FeedLimits,
    FeedSummary,
    first_lines,
    line_blocks,
    non_utf8_lines,
    non_utf8_report,
    one_line,
    printable,
    replace_controls,
    saved,
    unpacked,
)

FIX = Path(__file__).resolve().parent / "fixtures"
GDELT2 = FIX / "gdelt2_20180326044500.export.CSV"


def make_zip(path: Path, members: list[tuple[str, bytes]], method: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", method) as zf:
        for name, data in members:
            zf.writestr(name, data)
    return path


def unpack(path: Path, limits: FeedLimits | None = None) -> list[tuple[str, bytes]]:
    with unpacked(path, limits) as parts:
        return [(name, part.read_bytes()) for part, name in parts]


def test_plain_file_and_zip_are_unpacked(tmp_path):
    data = GDELT2.read_bytes()
    assert unpack(GDELT2) == [(GDELT2.name, data)]
    archive = make_zip(tmp_path / "two.zip", [("a.CSV", data), ("b.CSV", data[:1000])])
    assert unpack(archive) == [("two.zip:a.CSV", data), ("two.zip:b.CSV", data[:1000])]


def test_real_feed_compresses_far_below_the_ratio_limit(tmp_path):
    archive = make_zip(tmp_path / "gdelt.zip", [(GDELT2.name, GDELT2.read_bytes())])
    info = zipfile.ZipFile(archive).infolist()[0]
    assert 4 < info.file_size / info.compress_size < 12 < MAX_RATIO


def test_zip_bomb_is_refused_by_ratio(tmp_path):
    bomb = make_zip(tmp_path / "bomb.zip", [("zeros.CSV", b"\0" * (50 << 20))])  # 50 MB → ~51 kB
    assert bomb.stat().st_size < 60_000
    with pytest.raises(FeedError, match=r"bomb\.zip:zeros\.CSV: unpacks to more than 200 times its compressed size"):
        unpack(bomb)


def test_declared_sizes_are_not_trusted(tmp_path):
    # The central directory claims 4 GB unpacked, which fits a 200:1 ratio of nothing: the bytes written count.
    bomb = tmp_path / "liar.zip"
    data = bytearray(make_zip(bomb, [("zeros.CSV", b"\0" * (50 << 20))]).read_bytes())
    central = data.rfind(b"PK\x01\x02")
    data[central + 24:central + 28] = (4_000_000_000).to_bytes(4, "little")
    bomb.write_bytes(bytes(data))
    assert zipfile.ZipFile(bomb).infolist()[0].file_size == 4_000_000_000
    with pytest.raises(FeedError, match=r"liar\.zip:zeros\.CSV: unpacks to more than 200 times"):
        unpack(bomb)
    # Claiming a small size instead only truncates the member, which fails its CRC.
    data[central + 24:central + 28] = (1000).to_bytes(4, "little")
    bomb.write_bytes(bytes(data))
    with pytest.raises(FeedError, match=r"liar\.zip:zeros\.CSV: a damaged or unsupported zip member .*CRC"):
        unpack(bomb)


def test_total_unpacked_bytes_are_limited(tmp_path):
    data = GDELT2.read_bytes()  # 614 kB, ratio ~6
    archive = make_zip(tmp_path / "big.zip", [("a.CSV", data), ("b.CSV", data)])
    with pytest.raises(FeedError, match=r"big\.zip: unpacks to more than 1,000,000 bytes"):
        unpack(archive, FeedLimits(max_bytes=1_000_000))
    assert len(unpack(archive, FeedLimits(max_bytes=2_000_000))) == 2


def test_ratio_limit_spares_small_members(tmp_path):
    lines = make_zip(tmp_path / "repeated.zip", [("r.CSV", b"same line\n" * 50_000)])  # 500 kB at ~1000:1
    assert unpack(lines)[0][1] == b"same line\n" * 50_000


def test_member_count_is_limited(tmp_path):
    archive = make_zip(tmp_path / "many.zip", [(f"m{i}.CSV", b"x\n") for i in range(65)])
    with pytest.raises(FeedError, match=r"many\.zip: the zip archive has 65 entries, over the limit of 64"):
        unpack(archive)
    assert len(unpack(archive, FeedLimits(max_members=65))) == 65


def test_nested_zip_is_not_unpacked(tmp_path):
    inner = make_zip(tmp_path / "inner.zip", [("a.CSV", b"x\n")]).read_bytes()
    outer = make_zip(tmp_path / "outer.zip", [("inner.zip", inner)], zipfile.ZIP_STORED)
    with pytest.raises(FeedError, match=r"outer\.zip:inner\.zip: a zip inside the zip archive; nested archives are "
                                        r"not unpacked"):
        unpack(outer)


def test_encrypted_member_is_a_feed_error(tmp_path):
    path = tmp_path / "locked.zip"
    data = bytearray(make_zip(path, [("a.CSV", GDELT2.read_bytes()[:5000])]).read_bytes())
    data[6] |= 0x1  # general-purpose flag bit 0 (encrypted), local header
    data[data.rfind(b"PK\x01\x02") + 8] |= 0x1  # and central directory header
    path.write_bytes(bytes(data))
    with pytest.raises(FeedError, match=r"locked\.zip:a\.CSV: the member is encrypted \(password-protected\); "
                                        r"expected a zip of GDELT or ICEWS files, unencrypted"):
        unpack(path)


def corrupt_zip(tmp_path: Path) -> Path:
    """A deflated member whose compressed data has bytes flipped: zlib fails."""
    path = tmp_path / "corrupt.zip"
    data = bytearray(make_zip(path, [("a.CSV", GDELT2.read_bytes())]).read_bytes())
    for i in range(100, 400):
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))
    return path


def test_corrupt_deflate_data_is_a_feed_error(tmp_path):
    with pytest.raises(FeedError, match=r"corrupt\.zip:a\.CSV: a damaged or unsupported zip member \(zlib\.error"):
        unpack(corrupt_zip(tmp_path))


def test_crc_mismatch_is_a_feed_error(tmp_path):
    path = tmp_path / "crc.zip"
    data = bytearray(make_zip(path, [("a.CSV", GDELT2.read_bytes())]).read_bytes())
    data[14] ^= 0xFF  # CRC-32 in the local header
    data[data.rfind(b"PK\x01\x02") + 16] ^= 0xFF  # and in the central directory
    path.write_bytes(bytes(data))
    with pytest.raises(FeedError, match=r"crc\.zip:a\.CSV: a damaged .*Bad CRC-32"):
        unpack(path)


def test_truncated_zip_is_a_feed_error(tmp_path):
    path = tmp_path / "cut.zip"
    data = make_zip(path, [("a.CSV", GDELT2.read_bytes())]).read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(FeedError, match=r"cut\.zip: not a readable zip archive"):
        unpack(path)


def test_first_lines_are_bounded(tmp_path):
    path = tmp_path / "long.CSV"
    path.write_bytes(b"ok\r\n" + b"a" * 2000 + b"\nlast")
    assert first_lines(path, "long.CSV", 1, max_line_bytes=100) == [b"ok"]
    with pytest.raises(FeedError, match=r"long\.CSV, line 2: longer than 100 bytes"):
        first_lines(path, "long.CSV", 3, max_line_bytes=100)
    assert first_lines(path, "long.CSV", 3, max_line_bytes=2000) == [b"ok", b"a" * 2000, b"last"]


def test_line_blocks_refuse_a_line_longer_than_both_sizes(tmp_path):
    path = tmp_path / "blocks.CSV"
    path.write_bytes(b"a\nbb\n" + b"c" * 500 + b"\nd\n")
    assert b"".join(line_blocks(path, 4, max_line_bytes=600)) == path.read_bytes()
    assert [len(b) for b in line_blocks(path, 4, max_line_bytes=600)] == [2, 3, 501, 2]
    with pytest.raises(FeedError, match=r"blocks\.CSV, line 3: longer than 100 bytes"):
        list(line_blocks(path, 4, max_line_bytes=100))


@pytest.mark.parametrize(("block", "expected"), [
    (b"plain\nascii\n", []),
    ("ünïcode\nok\n".encode(), []),
    (b"ok\nbad \xff here\n\xc3\n", [(11, 1), (12, 1)]),
    (b"two \xff\xfe bytes\n", [(10, 2)]),
    (b"\xed\xa0\x80 surrogate\n", [(10, 3)]),
])
def test_non_utf8_bytes_are_counted_by_line(block, expected):
    assert non_utf8_lines(block, first_line=10) == expected


def test_non_utf8_report_of_a_file_counts_lines_across_blocks(tmp_path):
    path = tmp_path / "latin1.tab"
    path.write_bytes(b"header\n" + b"ok\n" * 3 + "Bogot\u00e1\n".encode("latin-1"))
    assert non_utf8_report(path, "latin1.tab") == [("latin1.tab", 5, "1 byte not UTF-8, replaced by U+FFFD")]


def test_control_characters_are_replaced_and_reported():
    events = pl.DataFrame({"actor": ["CHN: CHI\x00NA", "USA: OK"], "summary": ["a\tb\x1b", "fine"],
                           "salience": [1.0, 1.0], "feed_file": ["f.CSV", "f.CSV"], "feed_line": [7, 8]})
    summary = FeedSummary(files=["f.CSV"], repaired=[("f.CSV", 9, "1 byte not UTF-8, replaced by U+FFFD")])
    out = replace_controls(events, summary)
    assert out["actor"].to_list() == ["CHN: CHI NA", "USA: OK"] and out["summary"].to_list() == ["a b ", "fine"]
    assert summary.repaired == [("f.CSV", 7, "control characters U+0000, U+0009, U+001B in actor, summary replaced "
                                             "by spaces"), ("f.CSV", 9, "1 byte not UTF-8, replaced by U+FFFD")]
    assert "2 lines imported with repairs (f.CSV line 7: control characters" in summary.line()


def test_summary_line_without_repairs_is_unchanged():
    assert "repairs" not in FeedSummary(files=["a"]).line()


def test_messages_are_one_printable_line():
    assert printable("a\x00b\x1b[31m\u0085c") == "a?b?[31m?c"
    assert one_line("first\n  second\tthird") == "first second third"
    assert str(FeedError("x.zip:\x1b]0;evil\x07: line one\nline two")) == "x.zip:?]0;evil?: line one line two"


def test_saved_uploads_keep_a_safe_base_name():
    with saved([("../../etc/passwd", b"a"), ("..", b"b"), ("a\x00b.csv", b"c"), ("x" * 300 + ".csv", b"d")]) as paths:
        assert [p.name for p in paths] == ["passwd", "upload", "a?b.csv", "x" * 56 + ".csv"]
        assert [p.read_bytes() for p in paths] == [b"a", b"b", b"c", b"d"]


def test_a_character_cut_by_a_chunk_boundary_is_valid():
    block = b"a" * ((1 << 20) - 1) + "é".encode() + b"\n"  # the two bytes of é straddle the first 1 MiB chunk
    assert non_utf8_lines(block) == [] and non_utf8_lines(block + b"\xc3") == [(2, 1)]
