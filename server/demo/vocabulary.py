"""The demo city's fixed vocabulary: counties, industries, line names, indicator claims.

Pure data. The counties are real divisions of 驻马店市 (Zhumadian, Henan), the city of the
S0 notice; their centres are approximate. Every number a claim states (mg/m³, ratios) is
ILLUSTRATIVE: the technical guides' per-grade tables are not in ``../seeds`` (RULES.md, "What is
not known precisely"), so the values only have to look like what a plant would write.
"""

from __future__ import annotations

from dataclasses import dataclass

CITY = "驻马店市"


@dataclass(frozen=True)
class County:
    name: str  # as the bureau writes it, e.g. 确山县
    short: str  # as company names use it, e.g. 确山
    slug: str  # ASCII, for the county reviewer's username
    division: str  # GB/T 2260 code; positions 3-8 of a credit code registered there
    lat: float
    lon: float
    weight: int  # share of the city's plants


COUNTIES: tuple[County, ...] = (
    County("驿城区", "驿城", "yicheng", "411702", 33.012, 114.022, 30),
    County("确山县", "确山", "queshan", "411725", 32.802, 114.026, 14),
    County("泌阳县", "泌阳", "biyang", "411726", 32.724, 113.327, 14),
    County("汝南县", "汝南", "runan", "411727", 33.006, 114.362, 14),
    County("平舆县", "平舆", "pingyu", "411723", 32.963, 114.619, 14),
    County("西平县", "西平", "xiping", "411721", 33.388, 114.021, 14),
)


@dataclass(frozen=True)
class IndustryProfile:
    guide_version: str
    code: str
    weight: int  # how common the industry is among the demo plants
    name_words: tuple[str, ...]  # what a company name says it makes
    lines: tuple[str, ...]  # production line names
    emission: str  # "dust", "vocs" or "kiln": which claims fit
    cems_likely: bool  # kilns and big stacks usually have CEMS


PROFILES: tuple[IndustryProfile, ...] = (
    IndustryProfile(
        "MEE2020",
        "foundry",
        14,
        ("铸造", "机械铸造", "精密铸造"),
        ("熔炼线", "造型线", "制芯线", "浇注线", "清理打磨线", "砂处理线"),
        "dust",
        True,
    ),
    IndustryProfile(
        "MEE2020",
        "packaging_printing",
        10,
        ("包装印刷", "彩印包装", "印务"),
        ("凹版印刷线", "柔版印刷线", "复合线", "分切线", "制袋线"),
        "vocs",
        False,
    ),
    IndustryProfile(
        "MEE2020",
        "industrial_coating",
        12,
        ("机械设备", "钢结构", "专用车"),
        ("前处理线", "抛丸线", "喷涂线", "烘干线", "流平线"),
        "vocs",
        False,
    ),
    IndustryProfile(
        "MEE2020",
        "cement",
        5,
        ("水泥", "建材"),
        ("熟料生产线", "水泥粉磨线", "包装发运线", "原料破碎线"),
        "kiln",
        True,
    ),
    IndustryProfile(
        "MEE2020",
        "furniture",
        9,
        ("家具", "家居"),
        ("开料线", "封边线", "打磨线", "喷漆线", "组装线"),
        "vocs",
        False,
    ),
    IndustryProfile(
        "MEE2020",
        "brick_tile_kiln",
        9,
        ("新型建材", "砖业", "页岩砖"),
        ("隧道窑", "成型线", "破碎线", "干燥室"),
        "kiln",
        True,
    ),
    IndustryProfile(
        "MEE2020",
        "pharmaceuticals",
        5,
        ("制药", "药业", "生物医药"),
        ("原料药合成车间", "提取车间", "制剂车间", "溶剂回收装置"),
        "vocs",
        True,
    ),
    IndustryProfile(
        "MEE2020",
        "wood_panels",
        7,
        ("木业", "板业"),
        ("刨花制备线", "干燥线", "热压线", "砂光线"),
        "vocs",
        True,
    ),
    IndustryProfile(
        "MEE2020",
        "ceramics",
        3,
        ("陶瓷",),
        ("球磨线", "喷雾干燥塔", "辊道窑", "施釉线"),
        "kiln",
        True,
    ),
    IndustryProfile(
        "MEE2020",
        "frp",
        3,
        ("玻璃钢", "复合材料"),
        ("缠绕成型线", "模压成型线", "手糊车间"),
        "vocs",
        False,
    ),
    IndustryProfile(
        "MEE2020",
        "rubber_products",
        2,
        ("橡胶", "胶业"),
        ("密炼线", "压延线", "硫化线"),
        "vocs",
        False,
    ),
    IndustryProfile(
        "MEE2020",
        "waterproof_materials",
        2,
        ("防水材料", "防水科技"),
        ("改性沥青卷材线", "涂料调配线"),
        "vocs",
        True,
    ),
    IndustryProfile(
        "HENAN2020",
        "machining",
        8,
        ("机械", "重工", "机电"),
        ("下料车间", "焊接车间", "机加工车间", "喷涂线"),
        "dust",
        False,
    ),
    IndustryProfile(
        "HENAN2020",
        "plastic_products",
        5,
        ("塑业", "塑料制品"),
        ("注塑车间", "挤出线", "吹膜线", "造粒线"),
        "vocs",
        False,
    ),
    IndustryProfile(
        "HENAN2020",
        "feed_processing",
        3,
        ("饲料", "牧业"),
        ("原料粉碎线", "制粒线", "膨化线"),
        "dust",
        False,
    ),
    IndustryProfile(
        "HENAN2020",
        "food_manufacturing",
        3,
        ("食品", "面业"),
        ("烘焙线", "油炸线", "蒸煮线", "包装线"),
        "dust",
        False,
    ),
    IndustryProfile(
        "HENAN2020",
        "paper",
        2,
        ("纸业", "纸品"),
        ("制浆线", "造纸机", "锅炉房"),
        "dust",
        True,
    ),
)

# A realistic mix per scale (RULES.md rule 10: no quotas, but few plants reach A).
GRADE_WEIGHTS: dict[tuple[str, ...], tuple[int, ...]] = {
    ("A", "B", "C", "D"): (5, 30, 45, 20),
    ("A", "B", "B-", "C", "D"): (4, 22, 20, 38, 16),
    ("leading", "non_leading"): (20, 80),
    ("advanced", "non_advanced"): (25, 75),
}

# A second industry some plants also file (about 5%); the first code is the main industry.
SECOND_INDUSTRY: dict[str, tuple[tuple[str, str], ...]] = {
    "foundry": (("MEE2020", "industrial_coating"),),
    "furniture": (("MEE2020", "industrial_coating"), ("MEE2020", "wood_panels")),
    "packaging_printing": (("HENAN2020", "plastic_products"),),
    "machining": (("MEE2020", "industrial_coating"), ("MEE2020", "foundry")),
    "cement": (("HENAN2020", "ore_mining_stone"),),
    "wood_panels": (("MEE2020", "furniture"),),
    "plastic_products": (("MEE2020", "packaging_printing"),),
}

# Essential-service (保障类) plants are usually livelihood ones: medicine, food, feed (S2 §三).
ESSENTIAL_INDUSTRIES = frozenset({"pharmaceuticals", "food_manufacturing", "feed_processing"})

NAME_WORDS = (
    "宏达",
    "金源",
    "恒信",
    "华丰",
    "鑫盛",
    "永兴",
    "天瑞",
    "中原",
    "豫丰",
    "盛隆",
    "瑞祥",
    "新兴",
    "嘉和",
    "润泽",
    "博远",
    "汇通",
    "隆泰",
    "鼎盛",
    "昌达",
    "福源",
    "富华",
    "佳美",
    "广源",
    "伟业",
    "明珠",
    "鸿运",
    "金鼎",
    "万福",
    "华夏",
    "天中",
    "祥和",
    "正大",
    "宇通",
    "豫南",
    "恒达",
    "宏昌",
    "凯旋",
    "泰和",
    "金诺",
    "东升",
)
COMPANY_FORMS = ("有限公司", "有限公司", "有限公司", "有限责任公司", "股份有限公司")
ROADS = (
    "工业大道",
    "纬一路",
    "纬二路",
    "经三路",
    "建设路",
    "迎宾大道",
    "兴业路",
    "创业大道",
    "开源大道",
    "产业大道",
    "富强路",
    "团结路",
)
GATE_NAMES = ("东门", "南门", "西门", "北门", "物流门")


@dataclass(frozen=True)
class Indicator:
    code: str  # <category>.<name>
    statement: str
    values_by_rank: tuple[str, ...] | None = None  # best grade first; None: a yes/no claim
    needs_cems: bool = False
    documents: tuple[str, ...] = ()  # titles a plant would attach


# Indicator claims per emission profile. Values are ILLUSTRATIVE (see the module docstring).
_COMMON: tuple[Indicator, ...] = (
    Indicator(
        "fugitive_emissions.no_visible_dust",
        "车间地面、墙面及设备表面无可见积尘",
        None,
        documents=("无组织排放管控方案",),
    ),
    Indicator("fugitive_emissions.enclosed_storage", "物料全部封闭储存，转运密闭"),
    Indicator(
        "monitoring_level.cems_networked",
        "主要排口安装CEMS并与生态环境部门联网",
        None,
        needs_cems=True,
        documents=("CEMS联网验收意见",),
    ),
    Indicator(
        "monitoring_level.separate_metering",
        "生产设施与治污设施分表计电",
        documents=("分表计电安装验收单",),
    ),
    Indicator("monitoring_level.dcs_records", "DCS生产数据保存一年以上"),
    Indicator(
        "environmental_management.ledgers_kept",
        "环保档案齐全，生产及治污台账完整",
        documents=("排污许可证",),
    ),
    Indicator("environmental_management.signboard_posted", "厂门口设置应急减排公示牌"),
    Indicator("environmental_management.equipment_labels", "停产工序均设置明示牌"),
    Indicator(
        "transport_mode.clean_trucks_ratio",
        "大宗物料运输车辆排放阶段",
        ("≥80%", "≥50%", "≥30%"),
    ),
    Indicator(
        "transport_control.gate_system",
        "全部车辆出入口安装门禁及视频监控系统",
        documents=("门禁系统联网证明",),
    ),
    Indicator("transport_control.loading_video", "装卸点视频监控保存6个月以上"),
)

_BY_EMISSION: dict[str, tuple[Indicator, ...]] = {
    "dust": (
        Indicator(
            "treatment_technology.bag_filter",
            "颗粒物采用覆膜袋式除尘",
            None,
            documents=("除尘设施设计方案",),
        ),
        Indicator(
            "emission_limits.particulate_mg_m3",
            "颗粒物排放浓度",
            ("≤10 mg/m³", "≤20 mg/m³", "≤30 mg/m³"),
            documents=("监测报告",),
        ),
        Indicator("energy_type.natural_gas_or_electric", "加热炉窑使用天然气或电"),
        Indicator("equipment_level.no_obsolete_equipment", "无国家明令淘汰设备"),
    ),
    "vocs": (
        Indicator(
            "treatment_technology.vocs_incineration",
            "有机废气采用RTO/RCO燃烧处理",
            None,
            documents=("VOCs治理设施验收报告",),
        ),
        Indicator(
            "emission_limits.nmhc_mg_m3",
            "非甲烷总烃排放浓度",
            ("≤20 mg/m³", "≤40 mg/m³", "≤60 mg/m³"),
            documents=("监测报告",),
        ),
        Indicator(
            "equipment_level.low_vocs_materials",
            "低VOCs含量原辅材料替代比例",
            ("100%", "≥80%", "≥50%"),
        ),
        Indicator("fugitive_emissions.no_odour", "车间及厂区无异味"),
    ),
    "kiln": (
        Indicator(
            "treatment_technology.scr_denitration",
            "窑炉烟气采用SCR脱硝",
            None,
            documents=("脱硝设施设计方案",),
        ),
        Indicator(
            "emission_limits.particulate_mg_m3",
            "颗粒物排放浓度",
            ("≤10 mg/m³", "≤20 mg/m³", "≤30 mg/m³"),
            documents=("监测报告",),
        ),
        Indicator(
            "emission_limits.so2_mg_m3",
            "二氧化硫排放浓度",
            ("≤35 mg/m³", "≤100 mg/m³", "≤200 mg/m³"),
        ),
        Indicator(
            "emission_limits.nox_mg_m3",
            "氮氧化物排放浓度",
            ("≤50 mg/m³", "≤100 mg/m³", "≤200 mg/m³"),
        ),
        Indicator("energy_type.natural_gas_or_electric", "窑炉燃料为天然气或电"),
    ),
}


def indicators_for(emission: str) -> tuple[Indicator, ...]:
    return _BY_EMISSION[emission] + _COMMON


# HJ 212-2017 pollutant (factor) codes a CEMS point reports.
POLLUTANTS: dict[str, tuple[str, ...]] = {
    "dust": ("a34013",),  # particulate
    "vocs": ("a24088",),  # non-methane hydrocarbons
    "kiln": ("a34013", "a21026", "a21002"),  # particulate, SO2, NOx
}

SURNAMES = (
    "王",
    "李",
    "张",
    "刘",
    "陈",
    "杨",
    "赵",
    "黄",
    "周",
    "吴",
    "徐",
    "孙",
    "马",
    "朱",
    "胡",
)
GIVEN_NAMES = (
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "磊",
    "强",
    "军",
    "洋",
    "勇",
    "杰",
    "涛",
    "明",
    "超",
    "霞",
)
