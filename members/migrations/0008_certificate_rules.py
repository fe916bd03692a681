"""Certificates follow their rules (Issue 9, item 7): the reason an activity certificate was
issued anyway, a letter's expired status, and the follow-up of a failed yearly check. Failed
checks recorded before follow-ups were kept get a note saying so (dated the check), so the new
constraint holds for them."""

import core.validators
from django.conf import settings
from django.db import migrations, models


def note_old_failed_checks(apps, schema_editor):
    CertificateCheck = apps.get_model("members", "CertificateCheck")
    CertificateCheck.objects.filter(result="failed", handling="").update(
        handling="（本功能上线前记录的未通过年审，未登记处理情况）"
    )
    CertificateCheck.objects.filter(result="failed", handled_on__isnull=True).update(
        handled_on=models.F("checked_on")
    )


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0007_date_bounds_of_decisions'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='certificate',
            name='issue_anyway_reason',
            field=models.CharField(blank=True, help_text='Why an activity certificate was issued although the rules point elsewhere (a short absence: a certificate letter; six months at an employer with a party organization: a transfer).', max_length=200, verbose_name='issued anyway because'),
        ),
        migrations.AddField(
            model_name='certificatecheck',
            name='handled_on',
            field=models.DateField(blank=True, null=True, validators=[core.validators.DateBounds()], verbose_name='date of handling'),
        ),
        migrations.AddField(
            model_name='certificatecheck',
            name='handling',
            field=models.CharField(blank=True, help_text='After a failed check: how the member was handled (a talk, criticism, ...). It shows on the education and handling card.', max_length=500, verbose_name='handling'),
        ),
        migrations.AlterField(
            model_name='certificate',
            name='status',
            field=models.CharField(choices=[('valid', 'Valid'), ('returned', 'Returned'), ('revoked', 'Revoked'), ('replaced', 'Replaced'), ('expired', 'Expired')], default='valid', max_length=20, verbose_name='status'),
        ),
        migrations.RunPython(note_old_failed_checks, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='certificatecheck',
            constraint=models.CheckConstraint(condition=models.Q(('result', 'passed'), models.Q(('handling__gt', ''), ('handled_on__isnull', False)), _connector='OR'), name='certificate_check_failed_is_handled', violation_error_message='A failed check is followed up: say how the member was handled, and when.'),
        ),
    ]
