from django.urls import path

from tancert.audits.carbon import views as v

urlpatterns = [
    path("audits/<id:pk>/carbon/", v.carbon_page, name="audit_carbon"),
    path("audits/<id:pk>/carbon/upload/", v.carbon_upload, name="audit_carbon_upload"),
    path("audits/<id:pk>/carbon/freeze/", v.carbon_freeze, name="audit_carbon_freeze"),
    path("audits/<id:pk>/carbon/uploads/<id:upload_id>/check/", v.carbon_check, name="audit_carbon_check"),
    path("audits/<id:pk>/carbon/uploads/<id:upload_id>/confirm/", v.carbon_confirm, name="audit_carbon_confirm"),
    path("audits/<id:pk>/carbon/uploads/<id:upload_id>/dismiss/", v.carbon_dismiss, name="audit_carbon_dismiss"),
    path("audits/<id:pk>/carbon/uploads/<id:upload_id>/monte-carlo/", v.carbon_monte_carlo,
         name="audit_carbon_monte_carlo"),
    path("audits/<id:pk>/carbon/uploads/<id:upload_id>/meters/", v.carbon_meters, name="audit_carbon_meters"),
    path("audits/<id:pk>/carbon/templates/<slug:key>/", v.carbon_template, name="audit_carbon_template"),
    path("audits/<id:pk>/carbon/uploads/<id:upload_id>/file/", v.carbon_file, name="audit_carbon_file"),
]
