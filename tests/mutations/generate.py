#!/usr/bin/env python3
"""Writes corpus.txt: seeded mutations of committed JPEGs and PNGs for
tests/mutations.rs, which applies each to its file and checks that exact and
fast decoding agree (the same error code, or hashes within the fast mode's
distance). Run from the repository root: `python3 tests/mutations/generate.py`.

Each line is `FILE set OFFSET BYTE` (one byte replaced) or `FILE cut LENGTH`
(the first LENGTH bytes kept). Half of the byte changes fall in the first
2 KB, where the headers are; the rest anywhere. The files are the large
JPEGs of tests/fast/ (decoded at 1/4 scale in fast mode) and a PNG of
tests/damaged/.
"""
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
FILES = ["tests/fast/astronaut-2400x2100.jpg", "tests/fast/chelsea-2048-progressive.jpg", "tests/damaged/listed.png"]
PER_FILE = {"set": 60, "cut": 12}


def main():
    rng = np.random.default_rng(2026)
    lines = []
    for name in FILES:
        size = (ROOT / name).stat().st_size
        for i in range(PER_FILE["set"]):
            limit = min(size, 2048) if i % 2 == 0 else size
            offset = int(rng.integers(2, limit))
            lines.append(f"{name} set {offset} {int(rng.integers(0, 256))}")
        for _ in range(PER_FILE["cut"]):
            lines.append(f"{name} cut {int(rng.integers(2, size))}")
    (Path(__file__).resolve().parent / "corpus.txt").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
