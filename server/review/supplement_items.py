"""The common missing items a county names when it returns a filing for supplement (S4 §三(二)).

A county reviewer picks from these and adds what else is missing in words; the list the plant
receives is text (``server.review.service.transition``'s ``missing_items``), the Chinese
wording being what the plant and every later reader see. The English is for the page only.

Pure data: no session, no actor.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CommonItem:
    code: str
    zh: str
    en: str


COMMON_ITEMS: tuple[CommonItem, ...] = (
    CommonItem("permit", "排污许可证正副本复印件", "copy of the pollutant discharge permit"),
    CommonItem("eia", "环评批复文件", "approval of the environmental impact assessment"),
    CommonItem("acceptance", "竣工环保验收文件", "environmental acceptance of completion"),
    CommonItem(
        "monitoring",
        "近一年有资质单位出具的监测报告",
        "a certified monitoring report of the last year",
    ),
    CommonItem(
        "cems", "在线监测设备联网及验收材料", "online monitoring (CEMS) connection and acceptance"
    ),
    CommonItem("ledger", "环保设施运行台账", "operating ledger of the treatment facilities"),
    CommonItem("transport", "运输车辆清单及门禁系统记录", "vehicle list and gate system records"),
    CommonItem("metering", "分表计电监控数据", "separate electricity metering data"),
    CommonItem(
        "photos", "治理设施及厂区现场照片", "photos of the treatment facilities and the yard"
    ),
    CommonItem("self_check", "企业绩效分级自评报告", "the plant's self-assessment report"),
    CommonItem("commitment", "加盖公章的承诺书", "the signed and stamped commitment letter"),
)
_BY_CODE = {item.code: item for item in COMMON_ITEMS}


def items_from(codes: list[str], free_text: str) -> list[str]:
    """The list to tell the plant: the picked common items (unknown codes ignored), then every
    non-blank line of ``free_text``, in that order."""
    picked = [_BY_CODE[code].zh for code in codes if code in _BY_CODE]
    written = [line.strip() for line in free_text.splitlines() if line.strip()]
    return picked + written
