#!/usr/bin/env python3
"""How far the fast (reduced-scale) decode moves the PDQ hash, per file:
`prescreen hash --json` exact vs `--fast` on every image file under the
given folders, for the files the fast path actually reduces. The target: at most 2 bits
on every photo of quality >= 80 (docs/BENCHMARKS.md says where it holds).

    cargo build --release
    python3 benches/fast_vs_exact.py tests/conformance/images eval/.cache/x [...]

Prints one row per reduced file and the maximum over files of quality >= 80.
"""
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLI = os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "release", "prescreen")
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp", ".ppm", ".pgm")


def image_files(folders):
    for folder in folders:
        for parent, _, names in sorted(os.walk(folder)):
            for name in sorted(names):
                if name.lower().endswith(IMAGE_SUFFIXES):
                    yield os.path.join(parent, name)


def hashes(files, fast):
    """One JSON object per file, in order (the CLI keeps the argument order)."""
    args = [CLI, "hash", "--json"] + (["--fast"] if fast else []) + files
    out = subprocess.run(args, capture_output=True, text=True, check=False).stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def main():
    folders = sys.argv[1:] or [os.path.join(ROOT, "tests", "conformance", "images")]
    files = list(image_files(folders))
    exact = {h["path"]: h for h in hashes(files, fast=False)}
    fast = {h["path"]: h for h in hashes(files, fast=True)}
    print(f"{len(files)} files; rows: the files the fast path reduced\n")
    print("| file | size | reduction | quality | bits apart |\n|---|---|---|---|---|")
    worst = (0, None)
    for path in files:
        e, f = exact.get(path), fast.get(path)
        if not e or not f or "pdq" not in e or "pdq" not in f or f.get("reduction", 1) == 1:
            continue
        bits = bin(int(e["pdq"], 16) ^ int(f["pdq"], 16)).count("1")
        print(f"| {os.path.relpath(path, ROOT)} | {e['width']}x{e['height']} | 1/{f['reduction']} | {e['quality']} | {bits} |")
        if e["quality"] >= 80 and bits >= worst[0]:
            worst = (bits, path)
    print(f"\nlargest distance at quality >= 80: {worst[0]} bits ({worst[1] and os.path.relpath(worst[1], ROOT)})")


if __name__ == "__main__":
    main()
