from django.urls import path

from tancert.audits.checklists import views as v

urlpatterns = [
    path("audits/<int:pk>/checklist/", v.checklist, name="audit_checklist"),
    path("audits/<int:pk>/checklist/<int:item_id>/answer/", v.answer, name="checklist_answer"),
    path("audits/<int:pk>/checklist/<int:item_id>/evidence/", v.evidence, name="checklist_evidence"),
    path("audits/<int:pk>/checklist/<int:item_id>/finding/", v.finding_on_item, name="checklist_finding"),
    path("audits/<int:pk>/evidence/<int:entry_id>/", v.evidence_file, name="evidence_file"),
    path("audits/<int:pk>/checkins/", v.checkin, name="audit_checkin"),
    path("audits/<int:pk>/checkins/setting/", v.checkin_setting, name="audit_checkin_setting"),
]
