#!/usr/bin/env python3
"""Hashes/second of Meta's C++ PDQ core (PyPI pdqhash 0.2.8) on the same
512x512 RGB buffer as benches/pdq.rs, for a side-by-side with our numbers.

Two figures: the C++ core called directly through ctypes (f32 luma fill +
pdqHash256FromFloatLuma, as in tests/conformance/generate.py), and
pdqhash.compute (adds numpy's float64 luma and Python overhead).
Run: python3 benches/pdq_reference.py
"""
import ctypes
import os
import statistics
import sys
import time

import numpy as np
import pdqhash
from PIL import Image

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "conformance"))
import generate  # noqa: E402  (the ctypes bindings of the oracle)

RUNS = 7
img = np.ascontiguousarray(np.asarray(Image.open(os.path.join(generate.IMAGES, "astronaut.png")).convert("RGB")))
luma_scratch = np.zeros((512, 512), np.float32)
b64, b16x64, b16 = (ctypes.c_float * 4096)(), (ctypes.c_float * 1024)(), (ctypes.c_float * 256)()


def core_once():
    l1 = generate.luma(img)
    h, q = generate.Hash256(), ctypes.c_int(0)
    generate._hash(generate._ptr(l1), generate._ptr(luma_scratch), 512, 512, b64, b16x64, b16,
                   ctypes.byref(h), ctypes.byref(q))


def rate(f):
    rates = []
    for _ in range(RUNS):
        start, n = time.perf_counter(), 0
        while time.perf_counter() - start < 0.7:
            f()
            n += 1
        rates.append(n / (time.perf_counter() - start))
    return statistics.median(rates)


print(f"C++ core via ctypes (f32 luma + hash): {rate(core_once):.0f} hashes/s")
print(f"pdqhash.compute (numpy f64 luma + C++ hash): {rate(lambda: pdqhash.compute(img)):.0f} hashes/s")
