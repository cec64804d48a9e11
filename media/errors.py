"""Why a photo is refused: one exception, a catalogue of reason codes with both languages.

A refusal is final for those bytes (sending them again gives the same answer), so a door answers
it as a per-photo content error, never a retryable failure, and keeps the rest of the inspection.
"""

from __future__ import annotations

from typing import Any

# code -> (Chinese message, English message); ``{name}`` fields come from the rejection's data.
REJECTIONS: dict[str, tuple[str, str]] = {
    "photo.empty": ("照片文件为空。", "The photo file is empty."),
    "photo.too_large": (
        "照片文件过大（{size_bytes} 字节，上限 {max_bytes} 字节）。",
        "The photo file is too large ({size_bytes} bytes; the limit is {max_bytes}).",
    ),
    "photo.unsupported_type": (
        "不支持的文件类型（{detected}）：请上传相机拍摄的 JPEG 或 HEIC 照片。",
        "Unsupported file type ({detected}): send the camera's JPEG or HEIC photo.",
    ),
    "photo.too_many_pixels": (
        "照片像素过多（{width}×{height}，上限 {max_pixels} 像素）。",
        "The photo has too many pixels ({width}×{height}; the limit is {max_pixels}).",
    ),
    "photo.truncated": (
        "照片文件不完整（传输中断？）：{detail}。请重新发送原始照片。",
        "The photo file is incomplete (interrupted transfer?): {detail}. Send the original again.",
    ),
    "photo.corrupt": (
        "照片文件已损坏，无法读取：{detail}。",
        "The photo file is damaged and cannot be read: {detail}.",
    ),
}


class PhotoRejected(Exception):
    """The bytes are not a photo this toolkit accepts; ``code`` says why, ``data`` the numbers."""

    def __init__(self, code: str, **data: Any) -> None:
        if code not in REJECTIONS:
            raise ValueError(f"unknown rejection code {code!r}")
        zh, en = REJECTIONS[code]
        self.code = code
        self.data = data
        self.message_zh = zh.format(**data)
        self.message_en = en.format(**data)
        super().__init__(f"{code}: {self.message_en}")

    def to_dict(self) -> dict[str, Any]:
        """The refusal as a JSON-ready dict (for a feedback document or an API error body)."""
        return {
            "code": self.code,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
            "data": dict(self.data),
        }
