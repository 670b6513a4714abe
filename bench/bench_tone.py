"""Tone scoring speed: short statements per second on one core: plain VADER, the diplomatic and the learned scorer.

Usage: python bench/bench_tone.py [STATEMENTS.csv]  (default data/statements/statements.csv, else the VADER tweets
fixture). Each text is made distinct so that score_many's de-duplication does not flatter the figure.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tension.tone import learned as tone_learned  # noqa: E402
from tension.tone import rules as tone  # noqa: E402
from tension.tone.evaluation import load  # noqa: E402

N = 20_000


def texts(path: Path) -> list[str]:
    """``N`` distinct short texts built from the file's texts (a running number appended)."""
    base = load(path)["text"].to_list()
    return [f"{base[i % len(base)]} {i}" for i in range(N)]


def rate(lexicon: str, items: list[str]) -> float:
    """Texts per second of ``score_many`` on texts it has not seen, after a warm-up."""
    tone.score_many([f"warm-up {t}" for t in items[:200]], lexicon=lexicon)
    tone._cached_score.cache_clear()
    start = time.perf_counter()
    tone.score_many(items, lexicon=lexicon)
    return len(items) / (time.perf_counter() - start)


def cached_rate(lexicon: str, items: list[str]) -> float:
    """Texts per second of ``score_many`` when every text was scored before (the dashboard's reruns)."""
    items = items[: tone.CACHE_SIZE]
    tone.score_many(items, lexicon=lexicon)
    start = time.perf_counter()
    tone.score_many(items, lexicon=lexicon)
    return len(items) / (time.perf_counter() - start)


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "data" / "statements" / "statements.csv"
    if not path.exists():
        path = ROOT / "tests" / "fixtures" / "vader_tweets_sample.txt"
    items = texts(path)
    words = sum(len(t.split()) for t in items) / len(items)
    start = time.perf_counter()
    tone.model("diplomatic")
    print(f"build the diplomatic model once: {time.perf_counter() - start:.3f} s")
    print(f"{len(items):,} distinct texts from {path.name}, {words:.1f} words each on average")
    for lexicon in tone.LEXICONS[::-1]:
        best = max(rate(lexicon, items) for _ in range(3))
        print(f"{lexicon:<11} {best:>10,.0f} statements/s (new texts, best of 3, one core); "
              f"{cached_rate(lexicon, items):,.0f}/s when already scored")
    start = time.perf_counter()
    tone_learned.shipped()
    print(f"load the learned model once: {time.perf_counter() - start:.3f} s")
    best = 0.0
    for _ in range(3):
        tone._cached_score.cache_clear()
        start = time.perf_counter()
        tone_learned.score_many(items)
        best = max(best, len(items) / (time.perf_counter() - start))
    print(f"{'learned':<11} {best:>10,.0f} statements/s (new texts, best of 3, one core; with its diplomatic score)")


if __name__ == "__main__":
    main()
