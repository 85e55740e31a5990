"""The audits app's models, one module per feature; Django loads ``audits.models`` and this package
names every model so that they register with the app.

- audit.py: the audit, its team and its findings (R7.3, R7.4, R8)
- checklists.py: checklists, answers, evidence, check-ins, corrective-action files (R7.4.2)
- stage1.py: the stage 1 record (R7.4.1-S1)
- programme.py: the audit programme, its entries, team confirmations, audit plan PDFs (R8.1-programme)
- carbon.py: carbon data verification — inventory versions, sample checks, frozen figures (R6, R7.4.3)
- report.py: the signed audit report versions (R7.5.1)
- levels.py: product, project and event inventories verified in the audit (R5.b–d)
- offline.py: receipts of entries made offline, one per device key (docs/audits.md §5)
- remote.py: the approved deviation to remote audit techniques for one audit (IAF MD4)
"""

from tancert.audits.models.audit import Audit, AuditTeamMember, Finding, FindingRecheck
from tancert.audits.models.carbon import (
    ConfirmedDataFinding,
    DismissedDataFinding,
    FrozenCarbonFigures,
    InventoryUpload,
    MeterSeriesUpload,
    MonteCarloRun,
    SampleCheck,
)
from tancert.audits.models.checklists import (
    CheckIn,
    CheckInExplanation,
    CheckInPhoto,
    Checklist,
    ChecklistAnswer,
    ChecklistItem,
    EvidenceEntry,
    FindingResponseFile,
)
from tancert.audits.models.levels import FrozenLevelFigures, LevelFindingAnswer, LevelUpload
from tancert.audits.models.offline import OfflineReceipt
from tancert.audits.models.programme import (
    AuditAgenda,
    AuditPlanAnswer,
    AuditPlanDocument,
    AuditProgramme,
    ProgrammeEntry,
    TeamConfirmation,
)
from tancert.audits.models.remote import RemoteDeviation
from tancert.audits.models.report import AuditReport
from tancert.audits.models.stage1 import Stage1DocumentReview, Stage1Record

__all__ = [
    "Audit", "AuditAgenda", "AuditPlanAnswer", "AuditPlanDocument", "AuditProgramme", "AuditReport", "AuditTeamMember", "CheckIn",
    "CheckInExplanation", "CheckInPhoto",
    "Checklist", "ChecklistAnswer", "ChecklistItem", "ConfirmedDataFinding", "DismissedDataFinding", "EvidenceEntry", "Finding", "FindingRecheck",
    "FindingResponseFile", "FrozenCarbonFigures", "FrozenLevelFigures", "InventoryUpload", "LevelFindingAnswer", "LevelUpload",
    "MeterSeriesUpload",
    "MonteCarloRun", "OfflineReceipt", "ProgrammeEntry", "RemoteDeviation", "SampleCheck",
    "Stage1DocumentReview", "Stage1Record", "TeamConfirmation",
]
