import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import tancert.audits.models.programme


class Migration(migrations.Migration):

    dependencies = [
        ('audits', '0012_checkins_on_by_default_and_explanations'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditAgenda',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('slots', models.JSONField(default=list)),
                ('version', models.PositiveIntegerField(default=0)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('audit', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='agenda', to='audits.audit')),
                ('updated_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
        ),
        migrations.CreateModel(
            name='AuditPlanAnswer',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('answer', models.CharField(choices=[('confirmed', 'confirmed'), ('change_requested', 'change requested')], max_length=20, verbose_name='answer')),
                ('reason', models.TextField(blank=True, verbose_name='reason')),
                ('pdf', models.FileField(blank=True, upload_to=tancert.audits.models.programme._answer_path)),
                ('sha256', models.CharField(blank=True, max_length=64)),
                ('answered_at', models.DateTimeField(auto_now_add=True)),
                ('answered_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('plan', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='answer', to='audits.auditplandocument')),
            ],
            options={
                'constraints': [models.CheckConstraint(condition=models.Q(('answer__in', ['confirmed', 'change_requested'])), name='plan_answer_known')],
            },
        ),
    ]
