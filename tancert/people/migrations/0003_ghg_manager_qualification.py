"""Seed the GHG manager (温室气体管理师) qualification type that R7.3.2 asks for on every team."""

from django.db import migrations

GHG_MANAGER = "ghg-manager"


def seed(apps, schema_editor):
    QualificationType = apps.get_model("people", "QualificationType")
    QualificationType.objects.get_or_create(
        code=GHG_MANAGER, defaults={"name_zh": "温室气体管理师", "name_en": "GHG manager", "is_ghg_manager": True})


def unseed(apps, schema_editor):
    QualificationType = apps.get_model("people", "QualificationType")
    QualificationType.objects.filter(code=GHG_MANAGER, held__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("people", "0002_auditor_register")]
    operations = [migrations.RunPython(seed, unseed)]
