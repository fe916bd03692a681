"""Issue 9, item 11: the trades (行业) by which sector-based management (归口管理) routes mobile
members, kept as data. The starting list is organizations.trades.STARTING_TRADES; superusers
edit it in the admin afterwards.
"""

from django.db import migrations, models

from organizations.trades import seed_trades


def seed(apps, schema_editor):
    seed_trades(apps.get_model("organizations", "Trade"))


class Migration(migrations.Migration):

    dependencies = [
        ('organizations', '0002_organization_fax'),
    ]

    operations = [
        migrations.CreateModel(
            name='Trade',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.SlugField(help_text='A short fixed key (letters, digits, underscores), e.g. courier.', max_length=30, unique=True, verbose_name='code')),
                ('name', models.CharField(max_length=50, unique=True, verbose_name='name')),
                ('order', models.PositiveSmallIntegerField(default=0, verbose_name='order')),
                ('is_active', models.BooleanField(default=True, help_text='Retired trades are no longer offered.', verbose_name='active')),
            ],
            options={
                'verbose_name': 'trade',
                'verbose_name_plural': 'trades',
                'ordering': ['order', 'code'],
            },
        ),
        migrations.AddField(
            model_name='organization',
            name='trades',
            field=models.ManyToManyField(blank=True, help_text='For sector-based management (归口管理): the trades whose mobile members this organization takes in.', related_name='organizations', to='organizations.trade', verbose_name='trades served'),
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
