from django.urls import path

from tancert.audits.carbon.levels import views as v

urlpatterns = [
    path("audits/<id:pk>/carbon/levels/<slug:level>/upload/", v.level_upload, name="audit_level_upload"),
    path("audits/<id:pk>/carbon/levels/<slug:level>/freeze/", v.level_freeze, name="audit_level_freeze"),
    path("audits/<id:pk>/carbon/levels/<slug:level>/uploads/<id:upload_id>/confirm/", v.level_confirm,
         name="audit_level_confirm"),
    path("audits/<id:pk>/carbon/levels/<slug:level>/uploads/<id:upload_id>/dismiss/", v.level_dismiss,
         name="audit_level_dismiss"),
    path("audits/<id:pk>/carbon/levels/<slug:level>/uploads/<id:upload_id>/file/", v.level_file,
         name="audit_level_file"),
]
