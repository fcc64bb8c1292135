"""PDQ computed with the PyPI `pdqhash` oracle (Meta's C++ core), plus the
512x512 nearest-neighbour pre-resize that the C++ tool applies and the
wrapper does not (see shared design notes, pdq.md). Also the query-side
variants evaluated in EVALUATION.md: turned pixels, DCT-derived dihedral,
uniform-border trimming and small-image resampling."""

import numpy as np
import pdqhash
from PIL import Image

# Order of the eight dihedral variants, as pdqhash and the reference name them.
DIHEDRAL = ("original", "rot90", "rot180", "rot270", "flipx", "flipy", "flip+1", "flip-1")


def load_rgb(path):
    """Decodes a file to an 8-bit RGB array, EXIF orientation NOT applied."""
    with Image.open(path) as im:
        return np.asarray(im.convert("RGB"))


def pre_resize(rgb):
    """The reference's pre-resize: over 512 on either side -> exactly 512x512, nearest."""
    h, w = rgb.shape[:2]
    if w <= 512 and h <= 512:
        return rgb
    ys = np.floor(np.arange(512) * (h / 512.0)).astype(np.int64)
    xs = np.floor(np.arange(512) * (w / 512.0)).astype(np.int64)
    return rgb[ys][:, xs]


def bits_to_int(bits):
    """pdqhash's bit vector (most significant first) -> a Python int."""
    return int("".join("1" if b else "0" for b in bits), 2)


def to_hex(value):
    """A 256-bit int as the 64 lower-case hex digits of the reference."""
    return format(value, "064x")


def hash_rgb(rgb):
    """(hash as int, quality) of an RGB array, through the full reference pipeline."""
    bits, quality = pdqhash.compute(np.ascontiguousarray(pre_resize(rgb)))
    return bits_to_int(bits), int(quality)


def turn(rgb, k):
    """The pixels turned into dihedral variant k (same order as DIHEDRAL).

    Variant k of an image is the one whose DCT-derived hash the reference
    calls DIHEDRAL[k]; here the pixels themselves are turned."""
    if k == 0:
        return rgb
    if k == 1:
        return np.rot90(rgb, 1)
    if k == 2:
        return np.rot90(rgb, 2)
    if k == 3:
        return np.rot90(rgb, 3)
    if k == 4:
        return rgb[::-1]
    if k == 5:
        return rgb[:, ::-1]
    if k == 6:
        return np.transpose(rgb, (1, 0, 2))
    return np.rot90(rgb, 2).transpose(1, 0, 2)


def hash_turned(rgb):
    """The eight variants computed from turned pixels: [(hash, quality)] * 8."""
    return [hash_rgb(turn(rgb, k)) for k in range(8)]


def hash_derived(rgb):
    """The eight variants derived from one DCT (what `--dihedral` prints)."""
    out = pdqhash.compute_dihedral(np.ascontiguousarray(pre_resize(rgb)))
    vectors, quality = out[0], out[1]
    return [(bits_to_int(v), int(quality)) for v in vectors]


def trim_uniform_border(rgb, tolerance=12, min_keep=0.5):
    """Crops rows/columns at the edges that are uniform (every pixel within
    `tolerance` of that edge line's median colour, and all of them close to
    the corner colour). Returns None when nothing was trimmed or when less
    than `min_keep` of either side would remain."""
    img = rgb.astype(np.int16)
    h, w = img.shape[:2]

    def uniform(line, ref):
        return np.abs(line - ref).max() <= tolerance

    top, bottom, left, right = 0, h, 0, w
    ref = img[0, 0]
    while top < bottom - 1 and uniform(img[top, left:right], ref):
        top += 1
    ref = img[h - 1, 0]
    while bottom - 1 > top and uniform(img[bottom - 1, left:right], ref):
        bottom -= 1
    ref = img[top, 0]
    while left < right - 1 and uniform(img[top:bottom, left], ref):
        left += 1
    ref = img[top, w - 1]
    while right - 1 > left and uniform(img[top:bottom, right - 1], ref):
        right -= 1
    if (top, bottom, left, right) == (0, h, 0, w):
        return None
    if (bottom - top) < min_keep * h or (right - left) < min_keep * w:
        return None
    return rgb[top:bottom, left:right]


def resample_small(rgb):
    """Images with both sides under 512: bilinear upscale to 512x512, the grid
    the reference's pre-resize gives a large original. None otherwise."""
    h, w = rgb.shape[:2]
    if w >= 512 or h >= 512:
        return None
    return np.asarray(Image.fromarray(rgb).resize((512, 512), Image.BILINEAR))


def distance(a, b):
    """Hamming distance of two 256-bit ints."""
    return (a ^ b).bit_count()
