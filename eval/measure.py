"""Per-file measurements with the oracle: the eight turned-pixel variants,
the eight DCT-derived variants, the uniform-border-trimmed variant and the
small-image resampled variant, with the time each extra variant costs."""

import time

import oracle


def measure_file(path):
    """{plain, quality, turned[8], derived[8], trim, resample, ms{...}} for one file.
    Hashes are hex strings (JSON-friendly); absent variants are None."""
    rgb = oracle.load_rgb(path)
    out = {"size": [int(rgb.shape[1]), int(rgb.shape[0])]}
    t0 = time.perf_counter()
    plain, quality = oracle.hash_rgb(rgb)
    t1 = time.perf_counter()
    turned = [plain] + [oracle.hash_rgb(oracle.turn(rgb, k))[0] for k in range(1, 8)]
    t2 = time.perf_counter()
    derived = [h for h, _ in oracle.hash_derived(rgb)]
    t3 = time.perf_counter()
    trimmed = oracle.trim_uniform_border(rgb)
    trim = oracle.hash_rgb(trimmed)[0] if trimmed is not None else None
    t4 = time.perf_counter()
    small = oracle.resample_small(rgb)
    resample = oracle.hash_rgb(small)[0] if small is not None else None
    t5 = time.perf_counter()
    out.update({
        "plain": oracle.to_hex(plain), "quality": quality,
        "turned": [oracle.to_hex(h) for h in turned],
        "derived": [oracle.to_hex(h) for h in derived],
        "trim": oracle.to_hex(trim) if trim is not None else None,
        "resample": oracle.to_hex(resample) if resample is not None else None,
        "ms": {"plain": 1e3 * (t1 - t0), "turned7": 1e3 * (t2 - t1), "derived": 1e3 * (t3 - t2),
               "trim": 1e3 * (t4 - t3), "resample": 1e3 * (t5 - t4)},
    })
    return out
