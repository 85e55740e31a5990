from django.urls import path

from tancert.audits.checklists import views as v

urlpatterns = [
    path("audits/<id:pk>/checklist/", v.checklist, name="audit_checklist"),
    path("audits/<id:pk>/checklist/conform-rest/", v.conform_rest, name="checklist_conform_rest"),
    path("audits/<id:pk>/checklist/<id:item_id>/answer/", v.answer, name="checklist_answer"),
    path("audits/<id:pk>/checklist/<id:item_id>/evidence/", v.evidence, name="checklist_evidence"),
    path("audits/<id:pk>/checklist/<id:item_id>/finding/", v.finding_on_item, name="checklist_finding"),
    path("audits/<id:pk>/evidence/<id:entry_id>/", v.evidence_file, name="evidence_file"),
    path("audits/<id:pk>/checkins/", v.checkin, name="audit_checkin"),
    path("audits/<id:pk>/checkins/setting/", v.checkin_setting, name="audit_checkin_setting"),
    path("audits/<id:pk>/checkins/explain/", v.checkin_explain, name="audit_checkin_explain"),
]
