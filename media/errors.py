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

# (code, reason) -> the refusal in whole sentences, with the evidence of what is missing or
# damaged; used instead of the code's general message when the data names a ``reason``.
DETAILED: dict[tuple[str, str], tuple[str, str]] = {
    ("photo.truncated", "heif_data_missing"): (
        "照片文件不完整（传输中断？）：文件只有 {actual_bytes} 字节，"
        "但其结构表明应有 {expected_bytes} 字节，缺少 {missing_bytes} 字节。"
        "{items_cut} 个图像数据块（共 {item_count} 个）不完整，缺失部分会被解码器填成绿色。"
        "请从平板重新发送原始照片。",
        "The photo file is incomplete (interrupted transfer?): it has {actual_bytes} bytes, "
        "but its structure says it should have {expected_bytes}, so {missing_bytes} bytes are "
        "missing. {items_cut} of its {item_count} image data blocks are incomplete, and a decoder "
        "would fill the missing part with green. Send the original photo from the tablet again.",
    ),
    ("photo.truncated", "heif_header_cut"): (
        "照片文件不完整（传输中断？）：文件只有 {actual_bytes} 字节，在文件头内就中断了，"
        "而文件头表明至少应有 {expected_bytes} 字节。请从平板重新发送原始照片。",
        "The photo file is incomplete (interrupted transfer?): it stops inside its header after "
        "{actual_bytes} bytes, and the header says it should have at least {expected_bytes}. "
        "Send the original photo from the tablet again.",
    ),
    ("photo.corrupt", "jpeg_decoder_warning"): (
        "照片的图像数据已损坏：JPEG 解码器（libjpeg）报告“{decoder_warning}”。"
        "解码器会用灰色或错位的色块填补损坏部分，这样的图片不能作为证据。"
        "请从平板重新发送原始照片。",
        "The photo's image data is damaged: the JPEG decoder (libjpeg) reports "
        '"{decoder_warning}". A decoder fills the damaged part with grey or shifted blocks, '
        "and such a picture cannot be evidence. Send the original photo from the tablet again.",
    ),
}


class PhotoRejected(Exception):
    """The bytes are not a photo this toolkit accepts; ``code`` says why, ``data`` the numbers."""

    def __init__(self, code: str, **data: Any) -> None:
        if code not in REJECTIONS:
            raise ValueError(f"unknown rejection code {code!r}")
        zh, en = DETAILED.get((code, data.get("reason", "")), REJECTIONS[code])
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
