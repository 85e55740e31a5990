"""The certificates app's models, one module per feature; Django loads ``certificates.models`` and this
package names every model so that they register with the app.

- certificate.py: decisions and committee votes, certificates, their frozen versions, change requests (R7.5, R9)
- transfer.py: the pre-transfer review of another body's certificate (RT)
- register.py: the public lookup log (R9.2-lookup)
- marks.py: mark misuse (R11.1)
- export.py: the regulator reports
- complaints.py: complaints and appeals (ISO/IEC 17021-1 §9.8, §9.7)
- notices.py: the holder's notices of changes and serious events, reviewed and resolved (CB-notice)
- proposals.py: suspension proposals from detected events (R9.2-T1…T4), the holder's evidence to lift one
"""

from tancert.certificates.models.certificate import (
    Certificate,
    CertificateVersion,
    ChangeRequest,
    Decision,
    DecisionVote,
)
from tancert.certificates.models.complaints import Appeal, Complaint
from tancert.certificates.models.export import RegulatorExport
from tancert.certificates.models.marks import MarkMisuse
from tancert.certificates.models.notices import ClientNotice
from tancert.certificates.models.proposals import SuspensionEvidence, SuspensionProposal
from tancert.certificates.models.register import LookupLog, LookupWindow
from tancert.certificates.models.transfer import TransferReview

__all__ = ["Appeal", "Certificate", "CertificateVersion", "ChangeRequest", "ClientNotice", "Complaint", "Decision", "DecisionVote",
           "LookupLog", "LookupWindow", "MarkMisuse", "RegulatorExport", "SuspensionEvidence", "SuspensionProposal",
           "TransferReview"]
