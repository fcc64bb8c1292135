#!/usr/bin/env python3
"""Native throughput over a folder of 12 MP JPEGs, images/second on all cores:
`prescreen hash` (exact, and --fast) vs Pillow + pdqhash (Meta's C++ PDQ core),
with and without Pillow's `draft` (libjpeg's scaled decoding). Medians of RUNS.

    python3 benches/make_images.py        # writes target/bench-images/folder-12mp/
    cargo build --release                 # target/release/prescreen
    python3 benches/throughput.py [FOLDER] [--runs N]

The Python side mirrors what `prescreen hash` does per file: read, MD5/SHA-1/
SHA-256 of the bytes, decode to RGB, the 512x512 nearest-neighbour pre-resize
(pdq.md step 2), PDQ. It runs one process per core (multiprocessing.Pool);
draft asks libjpeg for the same reduction `--fast` uses (the largest of
1/4 and 1/8 keeping both sides >= 512).
"""
import argparse
import glob
import hashlib
import multiprocessing
import os
import statistics
import subprocess
import time

import numpy as np
import pdqhash
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def reduction(width, height):
    for r in (8, 4):
        if -(-width // r) >= 512 and -(-height // r) >= 512:
            return r
    return 1


def pillow_hash(job):
    path, draft = job
    with open(path, "rb") as f:
        data = f.read()
    for algorithm in (hashlib.md5, hashlib.sha1, hashlib.sha256):
        algorithm(data).hexdigest()
    image = Image.open(path)
    if draft:
        r = reduction(*image.size)
        image.draft("RGB", (-(-image.size[0] // r), -(-image.size[1] // r)))
    pixels = np.asarray(image.convert("RGB"))
    height, width = pixels.shape[:2]
    if width > 512 or height > 512:
        rows = np.arange(512) * height // 512
        cols = np.arange(512) * width // 512
        pixels = pixels[rows][:, cols]
    bits, quality = pdqhash.compute(np.ascontiguousarray(pixels))
    return int(quality)


def time_pillow(files, draft, pool):
    start = time.perf_counter()
    pool.map(pillow_hash, [(f, draft) for f in files], chunksize=1)
    return time.perf_counter() - start


def time_prescreen(files, fast):
    binary = os.path.join(ROOT, "target", "release", "prescreen")
    args = [binary, "hash"] + (["--fast"] if fast else []) + files
    start = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", nargs="?", default=os.path.join(ROOT, "target", "bench-images", "folder-12mp"))
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    files = sorted(glob.glob(os.path.join(args.folder, "*.jpg")))
    cores = os.cpu_count()
    print(f"{len(files)} files in {args.folder}; {cores} cores; load before: {os.getloadavg()[0]:.2f}")
    rows = [
        ("prescreen hash (exact)", lambda pool: time_prescreen(files, False)),
        ("prescreen hash --fast", lambda pool: time_prescreen(files, True)),
        ("Pillow + pdqhash (full decode)", lambda pool: time_pillow(files, False, pool)),
        ("Pillow + pdqhash, draft", lambda pool: time_pillow(files, True, pool)),
    ]
    results = {}
    with multiprocessing.Pool(cores) as pool:
        pool.map(pillow_hash, [(files[0], False)] * cores)  # warm up the workers
        time_prescreen(files[:1], False)
        # Interleave the configurations so load changes hit them alike.
        for _ in range(args.runs):
            for name, run in rows:
                results.setdefault(name, []).append(run(pool))
    print()
    print("| implementation | median time (s) | images/s | runs |")
    print("|---|---|---|---|")
    for name, _ in rows:
        median = statistics.median(results[name])
        print(f"| {name} | {median:.2f} | {len(files) / median:.1f} | {len(results[name])} |")
    print(f"\nload after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
