"""Per-file oracle measurements: the plain hash and quality, the eight
variants computed on turned pixels and the eight derived from one DCT."""

import oracle


def measure_file(path):
    """{size, plain, quality, turned[8], derived[8]} for one file; hashes as hex."""
    pixels = oracle.load(path)
    turned = oracle.hash_turned(pixels)
    return {"size": [int(pixels.shape[1]), int(pixels.shape[0])],
            "plain": oracle.to_hex(turned[0][0]), "quality": turned[0][1],
            "turned": [oracle.to_hex(h) for h, _ in turned],
            "derived": [oracle.to_hex(h) for h in oracle.hash_derived(pixels)]}
