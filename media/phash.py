"""A 64-bit perceptual hash (DCT "pHash") and the band split that finds near duplicates in SQL.

The hash: the upright image's luma squeezed to 32×32, its 2-D DCT, the 8×8 lowest frequencies,
one bit per coefficient: above the median of the 63 non-DC coefficients or not. Re-encoding,
resizing and mild colour changes move few bits; a different scene moves about half of them.
Cropping and rotation are not covered.

The median splits the 63 non-DC coefficients 31 above, 32 not, so two hashes always differ in
an even number of bits. Measured on the sample photos (tests/media/test_phash.py): re-encoding
at quality 50 to 95, halving, a third of the size, brightness or contrast changed by 15-20 %
move 0 to 6 bits; different photos are 24 or more apart. Hence the default threshold of 6.

Finding candidates among hundreds of thousands of photos: split the 64 bits into 4 bands of 16
bits and index each band. If two hashes are within distance ``d``, the ``d`` differing bits fall
into 4 bands, so some band differs in at most ``d // 4`` bits (pigeonhole). Querying each band
for its own value and every value ``radius`` bits away (``band_probes``) therefore finds every
pair within ``4 * (radius + 1) - 1``: distance 3 with exact band matches, 7 with radius 1
(17 values per band, ``WHERE band0 IN (...) OR band1 IN (...) ...``, about 0.1 % of random
hashes as candidates). ``hamming()`` then keeps those within the threshold.
"""

from __future__ import annotations

import math
from itertools import combinations

import numpy as np
from PIL import Image

HASH_BITS = 64
NEAR_DUPLICATE_DISTANCE = 6  # default threshold (see above)
DEFAULT_BANDS = 4
DEFAULT_PROBE_RADIUS = 1  # 4 bands, radius 1: the index finds every pair within distance 7
_SIDE = 32
_KEEP = 8


def _dct_matrix(n: int) -> np.ndarray:
    k = np.arange(n).reshape(-1, 1)
    i = np.arange(n).reshape(1, -1)
    matrix = np.cos(math.pi * (2 * i + 1) * k / (2 * n)) * math.sqrt(2 / n)
    matrix[0] /= math.sqrt(2)
    return matrix


_DCT = _dct_matrix(_SIDE)[:_KEEP]  # only the rows for the low frequencies are ever needed
_WEIGHTS = 1 << np.arange(HASH_BITS - 1, -1, -1, dtype=np.uint64)


def phash(image: Image.Image) -> int:
    """The 64-bit perceptual hash of ``image`` (any mode; an upright image gives the stable hash)."""
    if image.mode == "YCbCr":
        luma = image.getchannel(0)
    elif image.mode != "L":
        luma = image.convert("L")
    else:
        luma = image
    small = luma.resize((_SIDE, _SIDE), Image.Resampling.BOX)
    pixels = np.asarray(small, dtype=np.float64)
    low = _DCT @ pixels @ _DCT.T  # 8×8 lowest frequencies of the 2-D DCT-II
    flat = low.reshape(-1)
    median = np.median(flat[1:])
    bits = (flat > median).astype(np.uint64)
    return int((bits * _WEIGHTS).sum())


def hamming(a: int, b: int) -> int:
    """How many of the 64 bits differ."""
    return (a ^ b).bit_count()


def bands(value: int, count: int = DEFAULT_BANDS) -> tuple[int, ...]:
    """The hash split into ``count`` unsigned bands, most significant first (for SQL indexes)."""
    if HASH_BITS % count:
        raise ValueError(f"{HASH_BITS} bits do not split into {count} equal bands")
    width = HASH_BITS // count
    mask = (1 << width) - 1
    return tuple((value >> (HASH_BITS - width * (i + 1))) & mask for i in range(count))


def band_probes(
    value: int, count: int = DEFAULT_BANDS, radius: int = DEFAULT_PROBE_RADIUS
) -> list[list[int]]:
    """Per band, the values to look up: the band itself and every value ``radius`` bits away."""
    width = HASH_BITS // count
    probes = []
    for band in bands(value, count):
        values = [band]
        for flips in range(1, radius + 1):
            for positions in combinations(range(width), flips):
                values.append(band ^ sum(1 << p for p in positions))
        probes.append(values)
    return probes


def index_reach(count: int = DEFAULT_BANDS, radius: int = DEFAULT_PROBE_RADIUS) -> int:
    """The largest distance ``band_probes`` is guaranteed to find (pigeonhole)."""
    return count * (radius + 1) - 1


def to_hex(value: int) -> str:
    return f"{value:016x}"


def from_hex(text: str) -> int:
    value = int(text, 16)
    if not 0 <= value < 1 << HASH_BITS or len(text) != 16:
        raise ValueError(f"{text!r} is not a 64-bit hash in 16 hex digits")
    return value


def to_signed(value: int) -> int:
    """The hash as a signed 64-bit integer, for a SQL BIGINT column."""
    return value - (1 << HASH_BITS) if value >= 1 << (HASH_BITS - 1) else value


def from_signed(value: int) -> int:
    return value + (1 << HASH_BITS) if value < 0 else value
