"""What the audits app tells the apps above it, without knowing them (docs/architecture.md, "Layers").

``audit_completed`` is sent inside the closing transaction of ``complete_audit``: a receiver that
raises rolls the closing back, and whatever a receiver records lands in the same transaction. The
certificates app listens to move a certificate's surveillance status (R9.3-surveillance).
"""

from django.dispatch import Signal

audit_completed = Signal()  # sender: the Audit class; keywords: audit, by
