"""A structural check of a JPEG file: marker segments, frame, scans, restart markers, end marker.

libjpeg decodes a damaged photo without complaint: it warns ("corrupt JPEG data"), fills the
damaged blocks with grey or shifted garbage, and Pillow drops the warning. Evidence must not
be a silently repaired picture, so the file's structure is checked here before it is decoded:
every scan's entropy-coded data may contain only stuffed bytes (FF 00), restart markers in
sequence and in the number the frame size implies, and must end in a real marker; the file
must end with EOI (bytes after EOI, such as a motion photo's video, are ignored).
The byte-level search is one vectorised pass (numpy) over the file.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from media.errors import PhotoRejected

_SOF_SUPPORTED = {0xC0, 0xC1, 0xC2, 0xC9, 0xCA}  # baseline, extended, progressive (+ arithmetic)
_SOF_LOSSLESS = {0xC3, 0xCB}
_SOF_HIERARCHICAL = {0xC5, 0xC6, 0xC7, 0xCD, 0xCE, 0xCF}
_PROGRESSIVE = {0xC2, 0xCA}
_MAX_SEGMENTS = 10_000
_MAX_SCANS = 500  # real progressive photos have about 10; thousands are a decoder DoS


@dataclass(frozen=True)
class _Component:
    ident: int
    h: int
    v: int


@dataclass(frozen=True)
class JpegLayout:
    """What the structure says: stored size, colour components, the EXIF block (TIFF bytes)."""

    width: int
    height: int
    components: int
    progressive: bool
    scans: int
    exif: bytes | None
    trailing_bytes: int
    icc_profile: bytes | None = None  # the APP2 ICC_PROFILE chunks, joined in their order


class _Markers:
    """Positions of FF bytes in the file, classified once: restart markers and real markers."""

    def __init__(self, data: bytes) -> None:
        array = np.frombuffer(data, dtype=np.uint8)
        ff = np.flatnonzero(array[:-1] == 0xFF)
        following = array[ff + 1]
        restart = (following >= 0xD0) & (following <= 0xD7)
        real = (following != 0x00) & (following != 0xFF) & ~restart
        self.restart_at = ff[restart]
        self.restart_code = following[restart].astype(np.int64) - 0xD0
        self.marker_at = ff[real]


def scan_jpeg(data: bytes) -> JpegLayout:
    """Check the structure of the JPEG ``data``; raise ``PhotoRejected`` when it is damaged."""
    if not data.startswith(b"\xff\xd8"):
        raise PhotoRejected("photo.corrupt", detail="no JPEG start-of-image marker")
    return _Parser(data).run()


class _Parser:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.markers: _Markers | None = None
        self.components: dict[int, _Component] = {}
        self.frame: tuple[int, int, bool] | None = None  # width, height, progressive
        self.restart_interval = 0
        self.exif: bytes | None = None
        self.icc_chunks: list[tuple[int, bytes]] = []
        self.scans = 0

    def run(self) -> JpegLayout:
        pos = 2
        for _ in range(_MAX_SEGMENTS):
            marker, pos = self._next_marker(pos)
            if marker == 0xD9:
                if self.frame is None or self.scans == 0:
                    raise PhotoRejected("photo.corrupt", detail="end marker before any image data")
                width, height, progressive = self.frame
                trailing = len(self.data) - pos
                count = len(self.components)
                icc = b"".join(chunk for _, chunk in sorted(self.icc_chunks)) or None
                return JpegLayout(
                    width, height, count, progressive, self.scans, self.exif, trailing, icc
                )
            pos = self._segment(marker, pos)
        raise PhotoRejected("photo.corrupt", detail=f"more than {_MAX_SEGMENTS} segments")

    def _next_marker(self, pos: int) -> tuple[int, int]:
        """The next marker at or after ``pos`` and the position after it."""
        data, size = self.data, len(self.data)
        pos = data.find(b"\xff", pos)  # libjpeg, too, skips stray bytes between segments
        while 0 <= pos < size - 1 and data[pos + 1] == 0xFF:
            pos += 1
        if pos < 0 or pos >= size - 1:
            raise PhotoRejected("photo.truncated", detail="the file ends before its end marker")
        marker = data[pos + 1]
        if marker == 0xD8 or 0xD0 <= marker <= 0xD7 or marker < 0xC0:
            raise PhotoRejected("photo.corrupt", detail=f"unexpected marker 0x{marker:02X}")
        return marker, pos + 2

    def _segment(self, marker: int, pos: int) -> int:
        """Read the marker segment at ``pos``; return where the next marker is to be sought."""
        data = self.data
        if pos + 2 > len(data):
            raise PhotoRejected("photo.truncated", detail="the file ends inside a header")
        end = pos + int.from_bytes(data[pos : pos + 2], "big")
        if end > len(data):
            raise PhotoRejected(
                "photo.truncated", detail=f"segment 0x{marker:02X} runs past the end"
            )
        if end < pos + 2:
            raise PhotoRejected("photo.corrupt", detail=f"segment 0x{marker:02X} has a bad length")
        payload = data[pos + 2 : end]
        if marker == 0xE1 and self.exif is None and payload.startswith(b"Exif\x00"):
            self.exif = payload[6:]
        elif marker == 0xE2 and payload.startswith(b"ICC_PROFILE\x00") and len(payload) > 14:
            self.icc_chunks.append((payload[12], payload[14:]))
        elif marker == 0xDD:
            if len(payload) != 2:
                raise PhotoRejected("photo.corrupt", detail="bad restart interval segment")
            self.restart_interval = int.from_bytes(payload, "big")
        elif 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            if self.frame is not None:
                raise PhotoRejected("photo.corrupt", detail="a second frame header")
            self.frame = _frame(marker, payload, self.components)
        elif marker == 0xDA:
            return self._scan(payload, end)
        return end

    def _scan(self, header: bytes, start: int) -> int:
        if self.frame is None:
            raise PhotoRejected("photo.corrupt", detail="image data before the frame header")
        self.scans += 1
        if self.scans > _MAX_SCANS:
            raise PhotoRejected("photo.corrupt", detail=f"more than {_MAX_SCANS} scans")
        self.markers = self.markers or _Markers(self.data)
        mcus = _scan_mcus(header, self.components, self.frame[0], self.frame[1])
        return _entropy_end(self.data, self.markers, start, mcus, self.restart_interval)


def _frame(marker: int, payload: bytes, components: dict[int, _Component]) -> tuple[int, int, bool]:
    if marker in _SOF_LOSSLESS or marker in _SOF_HIERARCHICAL:
        kind = "lossless" if marker in _SOF_LOSSLESS else "hierarchical"
        raise PhotoRejected("photo.unsupported_type", detected=f"jpeg-{kind}")
    if len(payload) < 6:
        raise PhotoRejected("photo.corrupt", detail="short frame header")
    height = int.from_bytes(payload[1:3], "big")
    width = int.from_bytes(payload[3:5], "big")
    count = payload[5]
    if width == 0 or height == 0 or count not in (1, 3, 4) or len(payload) < 6 + 3 * count:
        raise PhotoRejected("photo.corrupt", detail=f"bad frame header ({width}×{height}, {count})")
    for i in range(count):
        ident, sampling = payload[6 + 3 * i], payload[7 + 3 * i]
        h, v = sampling >> 4, sampling & 0x0F
        if not (1 <= h <= 4 and 1 <= v <= 4):
            raise PhotoRejected("photo.corrupt", detail="bad sampling factors")
        components[ident] = _Component(ident, h, v)
    return width, height, marker in _PROGRESSIVE


def _scan_mcus(payload: bytes, components: dict[int, _Component], width: int, height: int) -> int:
    """How many MCUs the scan codes (JPEG spec A.2): interleaved or one component's blocks."""
    count = payload[0] if payload else 0
    idents = [payload[1 + 2 * i] for i in range(count) if 2 + 2 * i < len(payload)]
    if count == 0 or len(idents) != count or any(i not in components for i in idents):
        raise PhotoRejected("photo.corrupt", detail="bad scan header")
    h_max = max(c.h for c in components.values())
    v_max = max(c.v for c in components.values())
    if count > 1:
        return math.ceil(width / (8 * h_max)) * math.ceil(height / (8 * v_max))
    component = components[idents[0]]
    blocks_x = math.ceil(math.ceil(width * component.h / h_max) / 8)
    blocks_y = math.ceil(math.ceil(height * component.v / v_max) / 8)
    return blocks_x * blocks_y


def _entropy_end(data: bytes, markers: _Markers, start: int, mcus: int, interval: int) -> int:
    """Where the scan starting at ``start`` ends (its terminating marker), after checking it."""
    index = int(np.searchsorted(markers.marker_at, start))
    if index == len(markers.marker_at):
        raise PhotoRejected("photo.truncated", detail="the image data stops without an end marker")
    end = int(markers.marker_at[index])
    following = data[end + 1]
    if following < 0xC0 or following == 0xD8:
        raise PhotoRejected(
            "photo.corrupt", detail=f"invalid bytes FF {following:02X} in the image data at {end}"
        )
    low, high = np.searchsorted(markers.restart_at, [start, end])
    codes = markers.restart_code[low:high]
    if interval == 0:
        if len(codes):
            raise PhotoRejected(
                "photo.corrupt", detail="restart markers without a restart interval"
            )
        return end
    wrong = np.flatnonzero(codes != (np.arange(len(codes)) & 7))
    if len(wrong):
        at = int(markers.restart_at[low + int(wrong[0])])
        raise PhotoRejected("photo.corrupt", detail=f"restart marker out of sequence at {at}")
    expected = math.ceil(mcus / interval) - 1
    if len(codes) not in (expected, expected + 1):
        raise PhotoRejected(
            "photo.corrupt", detail=f"{len(codes)} restart markers where {expected} were expected"
        )
    return end
