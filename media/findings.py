"""Findings: what the checks say about a photo, each with a reason code and the numbers behind it.

A finding is not an error: the photo is kept and a reviewer weighs it. ``FINDINGS`` is the
catalogue (severity and both messages per code); docs/media.md lists each code's data fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from media.metadata import iso_utc


class Severity(StrEnum):
    INFO = "info"  # context for the reviewer; nothing is wrong with the photo
    WARNING = "warning"  # weakens the photo as evidence; a reviewer should look
    CRITICAL = "critical"  # contradicts the claim that the photo shows this visit


_S = Severity
# code -> (severity, Chinese template, English template); fields come from the finding's data.
FINDINGS: dict[str, tuple[Severity, str, str]] = {
    "exif.missing": (_S.WARNING, "照片没有 EXIF 信息（可能经过编辑或由相册选取）。",
                     "The photo has no EXIF data (edited, or picked from the gallery?)."),
    "exif.unreadable": (_S.WARNING,
                        "照片带有 EXIF 信息块，但该信息块已损坏、无法读取，"
                        "因此无法核对照片自带的拍摄时间、位置和设备。请向检查员索取相机中的原始照片。",
                        "The photo carries an EXIF block, but the block is damaged and cannot be "
                        "read, so the time, position and camera the photo records cannot be "
                        "checked. Ask the inspector for the camera's original photo."),
    "exif.damaged": (_S.INFO, "照片的部分 EXIF 信息无法读取：{fields}。",
                     "Some EXIF fields could not be read: {fields}."),
    "gps.missing": (_S.WARNING, "照片没有 GPS 位置（安卓相册选取会删除位置）。",
                    "The photo has no GPS position (Android's photo picker removes it)."),
    "gps.poor_accuracy": (_S.WARNING, "GPS 精度较差：{accuracy_m:.0f} 米（上限 {max_accuracy_m:.0f} 米）。",
                          "Poor GPS accuracy: {accuracy_m:.0f} m (limit {max_accuracy_m:.0f} m)."),
    "position.device_reported": (_S.WARNING,
                                 "照片没有 GPS 位置，改用平板浏览器在拍摄时报告的位置（精度 {accuracy_m:.0f} 米）。"
                                 "该位置由设备报告、并非相机记录，可被软件改动，证明力弱于照片自带的 GPS。",
                                 "The photo has no GPS position; the position the tablet's browser reported "
                                 "when it was taken (accuracy {accuracy_m:.0f} m) is used instead. A position "
                                 "reported by the device, not recorded by the camera, can be set by software: "
                                 "it is weaker evidence than the photo's own GPS."),
    "position.device_poor_accuracy": (_S.WARNING,
                                      "平板报告的位置精度较差：{accuracy_m:.0f} 米（上限 {max_accuracy_m:.0f} 米）。",
                                      "Poor accuracy of the tablet-reported position: {accuracy_m:.0f} m "
                                      "(limit {max_accuracy_m:.0f} m)."),
    "position.sources_disagree": (_S.WARNING,
                                  "照片 GPS 位置与平板报告的位置相距 {distance_m:.0f} 米，"
                                  "超出两者精度之和（{gps_accuracy_m:.0f} 米 + {device_accuracy_m:.0f} 米）。",
                                  "The photo's GPS position and the tablet-reported position are "
                                  "{distance_m:.0f} m apart, more than their accuracies allow "
                                  "({gps_accuracy_m:.0f} m + {device_accuracy_m:.0f} m)."),
    "geo.no_boundary": (_S.INFO, "该厂区没有边界，无法核对拍摄位置。",
                        "The site has no boundary to check the position against."),
    "geo.outside_boundary": (_S.CRITICAL,
                             "拍摄位置在厂区边界外 {distance_m:.0f} 米（已计入 GPS 精度 {accuracy_m:.0f} 米）。",
                             "Taken {distance_m:.0f} m outside the site boundary "
                             "(beyond the GPS accuracy of {accuracy_m:.0f} m)."),
    "geo.boundary_uncertain": (_S.INFO, "拍摄位置在边界外 {distance_m:.0f} 米，但在 GPS 精度 {accuracy_m:.0f} 米以内。",
                               "Taken {distance_m:.0f} m outside the boundary, "
                               "within the GPS accuracy of {accuracy_m:.0f} m."),
    "time.missing": (_S.WARNING, "照片没有拍摄时间（EXIF 与 GPS 均无）。",
                     "The photo has no time taken (neither EXIF nor GPS)."),
    "time.offset_assumed": (_S.INFO, "照片时间未写时区，按设备时区 {offset} 读取。",
                            "The photo's time has no offset; read in the device's zone {offset}."),
    "time.outside_visit": (_S.CRITICAL, "拍摄时间 {taken_at} 不在检查时段 {window_start} 至 {window_end} 内。",
                           "Taken at {taken_at}, outside the visit {window_start} to {window_end}."),
    "time.before_assignment": (_S.CRITICAL, "拍摄时间 {taken_at} 早于任务下达时间 {assignment_created_at}。",
                               "Taken at {taken_at}, before the assignment existed "
                               "({assignment_created_at})."),
    "clock.exif_gps_skew": (_S.WARNING, "相机时间与 GPS 时间相差 {skew_seconds:.0f} 秒。",
                            "The camera clock and the GPS time differ by {skew_seconds:.0f} s."),
    "clock.exif_recorded_skew": (_S.WARNING, "相机时间与平板记录时间相差 {skew_seconds:.0f} 秒。",
                                 "The camera time and the tablet's record differ by {skew_seconds:.0f} s."),
    "clock.gps_recorded_skew": (_S.WARNING, "GPS 时间与平板记录时间相差 {skew_seconds:.0f} 秒。",
                                "The GPS time and the tablet's record differ by {skew_seconds:.0f} s."),
    "reuse.exact": (_S.CRITICAL, "同一张照片已用于其他企业或检查（共 {match_count} 处）。",
                    "The same photo was already used for another plant or visit ({match_count} uses)."),
    "reuse.near": (_S.WARNING, "与其他企业或检查的照片高度相似（共 {match_count} 张，汉明距离 ≤ {max_distance}）。",
                   "Nearly the same as {match_count} photo(s) of another plant or visit "
                   "(Hamming distance ≤ {max_distance})."),
    "device.unregistered": (_S.CRITICAL, "发送照片的设备 {device_id} 不是该检查员登记的设备。",
                            "Sent from device {device_id}, which is not registered to the inspector."),
    "device.mismatch": (_S.WARNING, "照片由 {camera} 拍摄，与登记设备不符。",
                        "Taken with {camera}, which is not the registered device."),
    "device.unidentified": (_S.INFO, "照片未写明拍摄设备（EXIF 无厂商与型号）。",
                            "The photo does not name its camera (no EXIF make and model)."),
}  # fmt: skip

# The same finding in other words when the position came from the device, not the photo's GPS
# (``position_source`` "device" in its data): same code, so every reader of the code (the
# dossier's map, the GeoJSON export, the reconciliation's discarding) treats it alike.
DEVICE_WORDING: dict[str, tuple[str, str]] = {
    "geo.outside_boundary": ("按平板报告的位置，拍摄地点在厂区边界外 {distance_m:.0f} 米"
                             "（已计入其精度 {accuracy_m:.0f} 米；"
                             "该位置由设备报告，并非照片自带的 GPS）。",
                             "Taken {distance_m:.0f} m outside the site boundary by the tablet-reported "
                             "position (beyond its accuracy of {accuracy_m:.0f} m; a position reported by "
                             "the device, not the photo's own GPS)."),
    "geo.boundary_uncertain": ("按平板报告的位置，拍摄地点在边界外 {distance_m:.0f} 米，"
                               "但在其精度 {accuracy_m:.0f} 米以内"
                               "（该位置由设备报告，并非照片自带的 GPS）。",
                               "Taken {distance_m:.0f} m outside the boundary by the tablet-reported position, "
                               "within its accuracy of {accuracy_m:.0f} m (a position reported by the device, "
                               "not the photo's own GPS)."),
}  # fmt: skip


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    message_zh: str
    message_en: str
    data: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
            "data": self.data,
        }


def finding(code: str, **data: Any) -> Finding:
    """A catalogued finding; datetimes in ``data`` become ISO 8601 UTC strings (JSON-ready)."""
    severity, zh, en = FINDINGS[code]
    clean = {key: _plain(value) for key, value in data.items()}
    if clean.get("position_source") == "device" and code in DEVICE_WORDING:
        zh, en = DEVICE_WORDING[code]
    return Finding(code, severity, zh.format(**clean), en.format(**clean), clean)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return iso_utc(value)
    if isinstance(value, float):
        return round(value, 3)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value
