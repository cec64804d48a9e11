"""Does a HEIF file hold all the data its boxes point at? Read from the ISO-BMFF boxes alone.

libheif decodes a HEIC whose image data was cut off without a word when the image is a grid of
tiles (as iPads and iPhones write it): each missing tile is filled green. So before anything is
decoded, the container is read here: every top-level box must fit in the file (an ``mdat`` cut
short declares more bytes than are there) and every item's extents in the ``iloc`` box (tiles,
the Exif block, thumbnails) must lie inside it. What is missing is reported as numbers: the
length the boxes imply against the length received, and which items are incomplete.
"""

from __future__ import annotations

from dataclasses import dataclass

from media.errors import PhotoRejected

_MAX_BOXES = 10_000


@dataclass(frozen=True)
class Extent:
    item_id: int
    start: int
    end: int  # exclusive


def check_heif_data(data: bytes) -> None:
    """Raise ``photo.truncated`` when the file is shorter than its boxes say; else return."""
    size = len(data)
    boxes = _boxes(data, 0, size, top_level=True)
    declared_end = max((end for _, _, end in boxes), default=0)
    mdat = next(((start, end) for kind, start, end in boxes if kind == b"mdat"), None)
    meta = next(((start, end) for kind, start, end in boxes if kind == b"meta"), None)
    extents: list[Extent] = []
    item_types: dict[int, str] = {}
    if meta is not None and meta[1] <= size:
        extents, item_types = _items(data, meta[0], meta[1])
    cut = [e for e in extents if e.end > size]
    expected = max([declared_end, *(e.end for e in extents)])
    if expected <= size:
        return
    items = {e.item_id for e in extents}
    cut_items = sorted({e.item_id for e in cut})
    facts: dict[str, object] = {
        "expected_bytes": expected,
        "actual_bytes": size,
        "missing_bytes": expected - size,
        "item_count": len(items),
        "items_cut": len(cut_items),
        "cut_item_types": sorted({item_types.get(i, "?") for i in cut_items}),
    }
    if mdat is not None:
        facts["mdat_declared_bytes"] = mdat[1] - mdat[0]
        facts["mdat_present_bytes"] = max(0, min(mdat[1], size) - mdat[0])
    facts["detail"] = (
        f"the boxes imply {expected} bytes but {size} arrived; "
        f"{len(cut_items)} of {len(items)} items are incomplete"
    )
    reason = "heif_data_missing" if items else "heif_header_cut"  # no item table: cut before it
    raise PhotoRejected("photo.truncated", reason=reason, **facts)


def _boxes(
    data: bytes, pos: int, end: int, *, top_level: bool = False
) -> list[tuple[bytes, int, int]]:
    """(type, start, end) of each box between ``pos`` and ``end``; ends may pass the file's end
    only at the top level (that is how a cut file looks); elsewhere a box overrunning its parent
    is damage."""
    found: list[tuple[bytes, int, int]] = []
    while pos < end and len(found) < _MAX_BOXES:
        if pos + 8 > end:
            if top_level:  # the file stops inside a box header
                found.append((b"????", pos, pos + 8))
                break
            raise PhotoRejected("photo.corrupt", detail=f"HEIF: a box header at {pos} is cut")
        box_size = int.from_bytes(data[pos : pos + 4], "big")
        kind = data[pos + 4 : pos + 8]
        header = 8
        if box_size == 1:
            if pos + 16 > end:
                found.append((kind, pos, pos + 16))
                break
            box_size, header = int.from_bytes(data[pos + 8 : pos + 16], "big"), 16
        elif box_size == 0:  # runs to the end of the file
            box_size = end - pos
        if box_size < header:
            raise PhotoRejected(
                "photo.corrupt", detail=f"HEIF: box {kind!r} at {pos} has a bad size {box_size}"
            )
        if not top_level and pos + box_size > end:
            raise PhotoRejected(
                "photo.corrupt", detail=f"HEIF: box {kind!r} at {pos} runs past its parent"
            )
        found.append((kind, pos + header, pos + box_size))
        pos += box_size
    return found


def _items(data: bytes, start: int, end: int) -> tuple[list[Extent], dict[int, str]]:
    """The file extents of every item (iloc) and each item's type (iinf) in a ``meta`` box."""
    children = {kind: (s, e) for kind, s, e in _boxes(data, start + 4, end)}  # meta is a full box
    types = _item_types(data, *children[b"iinf"]) if b"iinf" in children else {}
    extents = _iloc(data, *children[b"iloc"]) if b"iloc" in children else []
    return extents, types


class _Reader:
    def __init__(self, data: bytes, pos: int, end: int) -> None:
        self.data, self.pos, self.end = data, pos, end

    def uint(self, width: int) -> int:
        if self.pos + width > self.end:
            raise PhotoRejected("photo.corrupt", detail="HEIF: an item table is cut short")
        value = int.from_bytes(self.data[self.pos : self.pos + width], "big")
        self.pos += width
        return value


def _iloc(data: bytes, start: int, end: int) -> list[Extent]:
    read = _Reader(data, start, end)
    version = read.uint(4) >> 24
    if version > 2:
        raise PhotoRejected("photo.corrupt", detail=f"HEIF: iloc version {version}")
    sizes = read.uint(2)
    offset_size, length_size = sizes >> 12, (sizes >> 8) & 0xF
    base_offset_size, index_size = (sizes >> 4) & 0xF, sizes & 0xF
    if version == 0:
        index_size = 0
    wide = 4 if version == 2 else 2
    extents = []
    for _ in range(read.uint(wide)):
        item_id = read.uint(wide)
        method = read.uint(2) & 0xF if version in (1, 2) else 0
        reference = read.uint(2)
        base = read.uint(base_offset_size)
        for _ in range(read.uint(2)):
            read.uint(index_size)
            offset, length = read.uint(offset_size), read.uint(length_size)
            # Only data in this file (method 0, reference 0) can be missing from it; a length of
            # 0 means "to the end of the file", which cannot be checked.
            if method == 0 and reference == 0 and length > 0:
                extents.append(Extent(item_id, base + offset, base + offset + length))
    return extents


def _item_types(data: bytes, start: int, end: int) -> dict[int, str]:
    read = _Reader(data, start, end)
    version = read.uint(4) >> 24
    read.uint(2 if version == 0 else 4)  # entry count: the boxes themselves are counted below
    types = {}
    for kind, s, e in _boxes(data, read.pos, end):
        if kind != b"infe":
            continue
        entry = _Reader(data, s, e)
        infe_version = entry.uint(4) >> 24
        if infe_version < 2:
            continue
        item_id = entry.uint(2 if infe_version == 2 else 4)
        entry.uint(2)  # protection index
        types[item_id] = data[entry.pos : entry.pos + 4].decode("latin-1").strip()
    return types
