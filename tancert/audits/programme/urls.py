from django.urls import path

from tancert.audits.programme import plan_views, views

urlpatterns = [
    path("applications/<id:application_id>/plan/", views.plan, name="audit_plan"),
    path("organisations/<id:org_id>/programme/", views.programme, name="programme"),
    path("audits/<id:pk>/confirm-team/", views.confirm_team, name="audit_confirm_team"),
    path("audits/<id:pk>/move/", views.move_audit, name="audit_move"),
    path("audits/<id:pk>/plan/", views.issue_plan, name="audit_issue_plan"),
    path("audits/<id:pk>/plan/<id:version>.pdf", views.plan_pdf, name="audit_plan_pdf"),
    path("audits/<id:pk>/plan/<id:version>/answer/", plan_views.answer_plan, name="audit_plan_answer"),
    path("audits/<id:pk>/agenda/", plan_views.agenda_page, name="audit_agenda"),
    path("audits/mine/", views.my_audits, name="my_audits"),
    path("audits/calendar/", views.calendar, name="audit_calendar"),
    path("audits/calendar/auditors/", views.auditor_calendar, name="auditor_calendar"),
]
