"""The footprint workbook: sheets, columns (Chinese header in row 1, English key in row 2, data from row 3,
as in the GHG template, docs/ghg.md) and the words each coded column accepts.

A product carbon footprint (ISO 14067:2018 / GB/T 24067-2024, docs/footprint.md) is a set of unit processes
linked by their products: each process makes one reference product and may make co-products; it takes
products of other processes (technosphere inputs) or of background data sets, and releases or removes
greenhouse gases (elementary flows).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Col:
    key: str
    zh: str
    required: bool
    help: str
    choices: str | None = None  # name of a word list below (validation list in the template)


@dataclass(frozen=True)
class Sheet:
    en: str
    zh: str
    columns: tuple[Col, ...]

    @property
    def title(self) -> str:
        return f"{self.zh} {self.en}"

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.columns)


# Coded words: every accepted spelling (English, Chinese) → the canonical word.
STAGES = {"raw_material": "原材料获取", "production": "生产", "distribution": "分销运输", "use": "使用",
          "end_of_life": "寿命终止"}
BOUNDARIES = {"cradle-to-gate": "摇篮到大门", "cradle-to-grave": "摇篮到坟墓"}
# stages a cradle-to-gate (partial) footprint may contain (GB/T 24067-2024, partial CFP: levels.md §1)
GATE_STAGES = ("raw_material", "production")
UNIT_TYPES = {"functional": "功能单位", "declared": "声明单位"}
ALLOCATIONS = {"physical": "物理分配", "economic": "经济分配", "system_expansion": "系统扩展"}
DATA_TYPES = {"primary": "初级数据", "secondary": "次级数据"}
YES_NO = {"yes": "是", "no": "否"}
GWP_BASES = {"AR6": "AR6", "AR5": "AR5", "AR4": "AR4", "SAR": "SAR"}
# Exchange types. Amounts are never negative: the type says the direction (docs/footprint.md, "Signs").
EXCHANGE_TYPES = {
    "input": "技术圈输入",  # a product of another process of the model (flow = process id, or id#co-product)
    "background": "背景数据",  # a product of a background data set (flow = data set id)
    "coproduct": "联产品",  # another output of the process (flow = its name); allocated per Settings
    "fossil": "化石排放",  # elementary flow to air, fossil origin (flow = gas)
    "biogenic": "生物源排放",  # biogenic emission (flow = CO2 or CH4), reported separately
    "removal": "生物源清除",  # biogenic CO2 taken up (flow = CO2), reported separately
    "luc": "土地利用变化排放",  # direct land-use change (dLUC), reported separately
    "cutoff": "取舍排除",  # a flow left out under the cut-off criteria, with its estimated share
}
ELEMENTARY = ("fossil", "biogenic", "removal", "luc")
ORIGIN_ZH = {"fossil": "化石", "biogenic": "生物源排放", "removal": "生物源清除", "luc": "土地利用变化",
             "background": "背景数据（已聚合）"}

LISTS = {"stages": STAGES, "boundaries": BOUNDARIES, "unit_types": UNIT_TYPES, "allocations": ALLOCATIONS,
         "data_types": DATA_TYPES, "yes_no": YES_NO, "gwp": GWP_BASES, "exchange_types": EXCHANGE_TYPES}


def word(list_name: str, text) -> str | None:
    """The canonical word for an English or Chinese spelling (None: not in the list)."""
    s = str(text or "").strip()
    words = LISTS[list_name]
    if s in words:
        return s
    low = s.lower().replace(" ", "_").replace("-", "_")
    for k, zh in words.items():
        if low == k.lower().replace("-", "_") or s == zh:
            return k
    return None


SETTINGS = (
    Col("product", "产品名称", True, "the product studied"),
    Col("organisation", "报告组织", False, "the organisation that reports the footprint"),
    Col("unit_type", "单位类型", True, "functional (cradle-to-grave) or declared (cradle-to-gate) unit", "unit_types"),
    Col("functional_unit", "功能单位/声明单位", True, "what one unit is, e.g. '1 t 水泥，出厂'"),
    Col("reference_process", "参考流程", True, "process_id of the process whose reference product is the unit"),
    Col("amount", "数量", True, "amount of that product in one unit"),
    Col("unit", "单位", True, "unit of that amount (t, kg, kWh, 件 …)"),
    Col("boundary", "系统边界", True, "cradle-to-gate or cradle-to-grave", "boundaries"),
    Col("standard", "量化标准", False, "e.g. GB/T 24067-2024 or ISO 14067:2018"),
    Col("gwp", "GWP 基准", True, "AR6, AR5, AR4 or SAR (100-year)", "gwp"),
    Col("allocation", "分配方法", True, "physical, economic or system_expansion (ISO 14044 4.3.4 hierarchy)",
        "allocations"),
    Col("allocation_justification", "分配方法理由", False,
        "why the method was chosen: subdivision impossible, physical relationship …"),
    Col("cutoff_pct", "取舍准则%", False, "largest share of the result the excluded flows may have together"),
    Col("data_year", "数据年份", False, "year the foreground data describe"),
)
SETTINGS_KEYS = tuple(c.key for c in SETTINGS)

_PEDIGREE = "1 (best) – 5 (worst), pedigree-style data-quality score"
PROCESSES = Sheet("Processes", "过程", (
    Col("process_id", "过程编号", True, "unique id, e.g. P1"),
    Col("name", "过程名称", True, "what the process is"),
    Col("stage", "生命周期阶段", True, "raw_material, production, distribution, use, end_of_life", "stages"),
    Col("product", "参考产品", True, "the process's reference product (every process has exactly one)"),
    Col("amount", "参考产品数量", True, "amount of the reference product the exchanges refer to (> 0)"),
    Col("unit", "单位", True, "unit of the reference product"),
    Col("controlled", "组织拥有或控制", True, "yes if the reporting organisation owns, operates or controls it "
        "(then primary data are required, R6.3-pcf)", "yes_no"),
    Col("data_type", "数据类型", True, "primary or secondary: the default of the process's exchanges", "data_types"),
    Col("source", "数据来源", True, "where the data come from: meter, ledger, supplier, literature …"),
    Col("price", "单价", False, "value per unit of the reference product (economic allocation)"),
    Col("physical", "物理量", False, "allocation property per unit of the reference product (e.g. MJ/kg); default: "
        "the amount in a common unit"),
    Col("secondary_justification", "未采用初级数据的理由", False,
        "for a controlled process using secondary data: why primary data cannot be collected"),
    Col("reliability", "可靠性", False, _PEDIGREE),
    Col("completeness", "完整性", False, _PEDIGREE),
    Col("temporal", "时间相关性", False, _PEDIGREE),
    Col("geographical", "地理相关性", False, _PEDIGREE),
    Col("technological", "技术相关性", False, _PEDIGREE),
))
PEDIGREE = ("reliability", "completeness", "temporal", "geographical", "technological")

EXCHANGES = Sheet("Exchanges", "交换", (
    Col("process_id", "过程编号", True, "the process this exchange belongs to"),
    Col("type", "交换类型", True, "input, background, coproduct, fossil, biogenic, removal, luc, cutoff",
        "exchange_types"),
    Col("flow", "流", True, "input: process id (id#co-product for a co-product); background: data set id; "
        "emissions: gas (CO2, CH4, N2O …); coproduct: its name"),
    Col("amount", "数量", True, "per the process's reference amount; never negative (the type gives the direction)"),
    Col("unit", "单位", True, "unit of the amount; must convert to the provider's unit"),
    Col("data_type", "数据类型", False, "primary or secondary; default: the process's", "data_types"),
    Col("source", "数据来源", False, "default: the process's source"),
    Col("uncertainty_pct", "不确定性%", False, "half-width of the 95 % interval, in % of the amount"),
    Col("price", "单价", False, "reference product or co-product: value per unit (economic allocation)"),
    Col("physical", "物理量", False, "co-product: allocation property per unit (e.g. MJ/kg); default: the amount "
        "in a common unit"),
    Col("substitutes", "替代产品", False, "co-product under system expansion: the process or data set it displaces"),
    Col("cutoff_estimate_pct", "取舍估计%", False, "cutoff: estimated share of the result, in %"),
    Col("note", "说明", False, ""),
))

BACKGROUND = Sheet("Background", "背景数据", (
    Col("dataset_id", "数据集编号", True, "id used in the flow of background exchanges"),
    Col("name", "名称", True, "what the data set describes"),
    Col("value", "碳足迹因子", True, "kgCO2e per unit (life-cycle, GWP basis of Settings)"),
    Col("unit", "单位", True, "the unit the factor refers to (kWh, kg, t*km …)"),
    Col("source", "来源", True, "document, database and version (a licensed database only if you hold the licence)"),
    Col("confidence", "可信度", True, "checked, secondary or unverified"),
    Col("uncertainty_pct", "不确定性%", False, "half-width of the 95 % interval, in %"),
))

SHEETS = {s.en: s for s in (PROCESSES, EXCHANGES, BACKGROUND)}
