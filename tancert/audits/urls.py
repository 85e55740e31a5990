from django.urls import path

from tancert.audits import views_checklist as v

urlpatterns = [
    path("<int:pk>/checklist/", v.checklist, name="audit_checklist"),
    path("<int:pk>/checklist/<int:item_id>/answer/", v.answer, name="checklist_answer"),
    path("<int:pk>/checklist/<int:item_id>/evidence/", v.evidence, name="checklist_evidence"),
    path("<int:pk>/checklist/<int:item_id>/finding/", v.finding_on_item, name="checklist_finding"),
    path("<int:pk>/evidence/<int:entry_id>/", v.evidence_file, name="evidence_file"),
    path("<int:pk>/stage1/", v.stage1_record, name="audit_stage1"),
    path("<int:pk>/checkins/", v.checkin, name="audit_checkin"),
    path("<int:pk>/checkins/setting/", v.checkin_setting, name="audit_checkin_setting"),
]
