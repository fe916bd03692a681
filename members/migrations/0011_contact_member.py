# Issue 9, item 11: a party member of the home branch as the designated contact; the trade.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0010_outside_check_ins'),
        ('organizations', '0003_trades'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='mobilityepisode',
            name='contact_member',
            field=models.ForeignKey(blank=True, help_text='An ordinary party member of the home branch paired with the member (结对党员), instead of a staff member.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='pairing_episodes', to='members.member', verbose_name='designated contact (party member)'),
        ),
        migrations.AddField(
            model_name='mobilityepisode',
            name='trade',
            field=models.ForeignKey(blank=True, help_text='The trade the member works in there: sector-based management (归口管理) routes the member to the organization serving it.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='episodes', to='organizations.trade', verbose_name='trade'),
        ),
        migrations.AddConstraint(
            model_name='mobilityepisode',
            constraint=models.CheckConstraint(condition=models.Q(('contact_person__isnull', True), ('contact_member__isnull', True), _connector='OR'), name='episode_one_designated_contact', violation_error_message='The designated contact is either a staff member or a party member of the branch, not both.'),
        ),
    ]
