"""PDQ computed with the oracle: Meta's C++ PDQ core as compiled into the
PyPI package `pdqhash`, called through ctypes exactly as the conformance
vectors are (tests/conformance/generate.py: the reference's own f32 luma,
then `pdqHash256FromFloatLuma` / `pdqDihedralHash256esFromFloatLuma`, after
the 512x512 nearest-neighbour pre-resize). `pdqhash.compute` is not used:
it computes luma in float64 and so differs from the reference tool.

Pixels come from Pillow (grey stays grey, everything else RGB, alpha
dropped, EXIF orientation not applied), as the conformance generator reads them."""

import ctypes
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "conformance"))
import generate as reference  # noqa: E402  (the ctypes bindings live there)

# Bumped whenever what this module computes changes: cached results are keyed by it.
VERSION = "ctypes-1"


def load(path):
    """Decoded pixels of a file: HxW (grey) or HxWx3 (RGB) uint8."""
    return reference.pixels(path)


def _int(h):
    return int(reference.hash_hex(h), 16)


def hash_pixels(a):
    """(hash as int, quality) of pixels `a` through the reference pipeline."""
    a = reference.pre_resize(np.ascontiguousarray(a))
    h, w = a.shape[:2]
    if h < 5 or w < 5:  # the reference gives the zero hash, quality 0
        return 0, 0
    l1 = reference.luma(a)
    l2 = np.zeros_like(l1)
    hv, q = reference.Hash256(), ctypes.c_int(0)
    reference._hash(reference._ptr(l1), reference._ptr(l2), h, w, (ctypes.c_float * 4096)(),
                    (ctypes.c_float * 1024)(), (ctypes.c_float * 256)(), ctypes.byref(hv), ctypes.byref(q))
    return _int(hv), q.value


def hash_derived(a):
    """The eight variants the reference derives from one DCT, as ints (the
    `--dihedral` output of the reference tool)."""
    a = reference.pre_resize(np.ascontiguousarray(a))
    h, w = a.shape[:2]
    if h < 5 or w < 5:
        return [0] * 8
    _, _, variants, _ = reference.oracle(a)
    return [int(v, 16) for v in variants]


def turn(a, k):
    """Pixels turned into dihedral variant k, in the reference's order
    (original, rot90, rot180, rot270, flipX, flipY, flip+1, flip-1)."""
    if k == 0:
        return a
    if k <= 3:
        return np.rot90(a, k)
    if k == 4:
        return a[::-1]
    if k == 5:
        return a[:, ::-1]
    if k == 6:
        return np.swapaxes(a, 0, 1)
    return np.swapaxes(np.rot90(a, 2), 0, 1)


def hash_turned(a):
    """The eight variants computed on turned pixels: [(hash, quality)] * 8."""
    return [hash_pixels(turn(a, k)) for k in range(8)]


def to_hex(value):
    """A 256-bit int as the 64 lower-case hex digits of the reference."""
    return format(value, "064x")


def distance(a, b):
    """Hamming distance of two 256-bit ints."""
    return (a ^ b).bit_count()
