"""Chinese names for what the factor library records in English: the document and clause each factor comes
from, and a factor's id as people read it — for the audit report and the pages a client reads
(docs/i18n.md, Language discipline). Names only: every value and its provenance stays in ``ghg/data``."""

from __future__ import annotations

import re

from .inventory import PARAMETER_ZH
from .library import ACTIVITY_NAMES, OWN_NAMES

DOCUMENTS = {
    "MEE power-facility guideline (2021)": "生态环境部《企业温室气体排放核算方法与报告指南 发电设施》（2021）",
    "MEE reporting notice (older; notice number not recorded)": "生态环境部 温室气体排放报告通知（较早一期，文号未记录）",
    "MEE reporting notices": "生态环境部 温室气体排放报告相关通知",
    "MEE/NBS Announcement 2024 No. 12": "生态环境部 国家统计局公告 2024年第12号",
    "MEE/NBS Announcement 2024 No. 33": "生态环境部 国家统计局公告 2024年第33号",
    "MEE/NBS Announcement 2025 No. 47": "生态环境部 国家统计局公告 2025年第47号",
    "MEE/NBS/NEA announcement of 2025-10-23": "生态环境部 国家统计局 国家能源局 2025年10月23日公告",
    "stoichiometry (44 / molar mass)": "化学计量（44/摩尔质量）",
}
CLAUSES = {
    "Annex B": "附录B",
    "Annex C, Table C.1": "附录C 表C.1",
    "coal carbon content default (unmeasured)": "燃煤元素碳含量缺省值（未实测时）",
    "electricity carbon-footprint factors": "电力碳足迹因子",
    "five tables": "五张因子表",
    "national average": "全国平均",
    "national grid average emission factor": "全国电网平均排放因子",
    "national, excluding market-traded non-fossil power": "全国，不含市场化交易的非化石能源电量",
    "national, fossil power only": "全国，仅化石能源电力",
    "not recorded": "条款未记录",
    "provincial table": "省级因子表",
    "reference §5": "参考资料第5节",
    "regional grid table": "区域电网因子表",
}
# The key that tells two editions of one table apart ("older" beside "2021-2022").
KEYS = {"older": "较早一期"}
# Electricity factors the library keeps apart by what they cover.
ELECTRICITY = {"electricity:footprint": "电力（碳足迹因子）", "electricity:fossil-only": "电力（仅化石能源）",
               "electricity:grid-excl-market-nonfossil": "电力（不含市场化交易的非化石能源）", "fuel:coal": "燃煤"}


def document_zh(document: str) -> str:
    return DOCUMENTS.get(document, document)


def clause_zh(clause: str) -> str:
    clause = str(clause or "")
    if clause in CLAUSES:
        return CLAUSES[clause]
    return re.sub(r"^§(\S+)$", r"第\1条", clause)  # "§7.5.6–7.5.7" → "第7.5.6–7.5.7条"


def factor_zh(factor_id: str) -> str:
    """"GBT32150-2015-B/fuel:natural_gas/NCV" → "天然气 低位发热量"; a geography or year in the id follows it."""
    parts = str(factor_id).split("/")
    activity, parameter, rest = (parts + ["", ""])[1], (parts + ["", "", ""])[2], parts[3:]
    name = ELECTRICITY.get(activity) or ACTIVITY_NAMES.get(activity) or OWN_NAMES.get(activity) or activity
    return " ".join([name, PARAMETER_ZH.get(parameter, parameter), *(KEYS.get(x, x) for x in rest)]).strip()


def source_zh(document: str, clause: str) -> str:
    return " ".join(x for x in (document_zh(document), clause_zh(clause)) if x)
