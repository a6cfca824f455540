
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('core', '0003_load_geography'),
        ('registry', '0005_place_labels'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='PmtModel',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version', models.SlugField(max_length=64, verbose_name='version')),
                ('name', models.CharField(max_length=200, verbose_name='name')),
                ('description', models.TextField(blank=True, verbose_name='description')),
                ('status', models.CharField(choices=[('draft', 'Draft'), ('submitted', 'Submitted for review'), ('approved', 'Approved'), ('rejected', 'Rejected'), ('active', 'Active'), ('superseded', 'Superseded')], default='draft', max_length=12, verbose_name='status')),
                ('intercept', models.FloatField(verbose_name='intercept')),
                ('scale_low', models.FloatField(help_text='Predicted log per-capita consumption that scores 0', verbose_name='log consumption scored 0')),
                ('scale_high', models.FloatField(help_text='Predicted log per-capita consumption that scores 100', verbose_name='log consumption scored 100')),
                ('reference_means', models.JSONField(blank=True, default=dict, verbose_name='reference means')),
                ('fit', models.JSONField(blank=True, default=dict, help_text='How the model was fitted: data, sizes, R²', verbose_name='fit')),
                ('is_illustrative', models.BooleanField(default=False, help_text='Calibrated on synthetic data, not on a real survey', verbose_name='illustrative')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='drafted')),
                ('submitted_at', models.DateTimeField(blank=True, null=True, verbose_name='submitted')),
                ('reviewed_at', models.DateTimeField(blank=True, null=True, verbose_name='reviewed')),
                ('review_note', models.TextField(blank=True, verbose_name='review note')),
                ('activated_at', models.DateTimeField(blank=True, null=True, verbose_name='activated')),
                ('superseded_at', models.DateTimeField(blank=True, null=True, verbose_name='superseded')),
                ('activated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='pmt_models_activated', to=settings.AUTH_USER_MODEL, verbose_name='activated by')),
                ('author', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='pmt_models_authored', to=settings.AUTH_USER_MODEL, verbose_name='author')),
                ('reviewer', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='pmt_models_reviewed', to=settings.AUTH_USER_MODEL, verbose_name='reviewer')),
            ],
            options={
                'verbose_name': 'PMT model',
                'verbose_name_plural': 'PMT models',
                'ordering': ['-created_at', '-id'],
                'permissions': [('draft_pmtmodel', 'Can draft and submit PMT models'), ('review_pmtmodel', 'Can approve or reject PMT models'), ('activate_pmtmodel', 'Can activate PMT models'), ('run_scoring', 'Can start a scoring run')],
            },
        ),
        migrations.CreateModel(
            name='PmtWeight',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('indicator', models.CharField(max_length=64, verbose_name='indicator')),
                ('weight', models.FloatField(verbose_name='weight')),
                ('model', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='weights', to='targeting.pmtmodel')),
            ],
            options={
                'ordering': ['model', 'id'],
            },
        ),
        migrations.CreateModel(
            name='ScoringRun',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('reason', models.CharField(choices=[('command', 'Scoring from the command line'), ('browser', 'Scoring started in the browser'), ('changed', "Households' data changed"), ('demo', 'Demo set-up')], max_length=12, verbose_name='reason')),
                ('started_at', models.DateTimeField(auto_now_add=True, verbose_name='started')),
                ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='finished')),
                ('households', models.PositiveIntegerField(default=0, verbose_name='households scored')),
                ('job', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='scoring_runs', to='core.job')),
                ('model', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='runs', to='targeting.pmtmodel')),
                ('started_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='scoring_runs', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-started_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='ScoreHistory',
            fields=[
                ('pk', models.CompositePrimaryKey('household', 'run', blank=True, editable=False, primary_key=True, serialize=False)),
                ('score', models.FloatField(verbose_name='score')),
                ('scored_at', models.DateTimeField(verbose_name='scored')),
                ('household', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='pmt_score_history', to='registry.household')),
                ('model', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='targeting.pmtmodel')),
                ('run', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='targeting.scoringrun')),
            ],
            options={
                'verbose_name': 'score history',
            },
        ),
        migrations.CreateModel(
            name='HouseholdScore',
            fields=[
                ('household', models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, primary_key=True, related_name='pmt_score', serialize=False, to='registry.household')),
                ('score', models.FloatField(verbose_name='score')),
                ('scored_at', models.DateTimeField(verbose_name='scored')),
                ('model', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='targeting.pmtmodel')),
                ('run', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='targeting.scoringrun')),
            ],
            options={
                'verbose_name': 'household score',
            },
        ),
        migrations.AddConstraint(
            model_name='pmtmodel',
            constraint=models.UniqueConstraint(fields=('version',), name='targeting_pmtmodel_version_unique'),
        ),
        migrations.AddConstraint(
            model_name='pmtmodel',
            constraint=models.UniqueConstraint(condition=models.Q(('status', 'active')), fields=('status',), name='targeting_pmtmodel_one_active'),
        ),
        migrations.AddConstraint(
            model_name='pmtmodel',
            constraint=models.CheckConstraint(condition=models.Q(('reviewer__isnull', True), ('author__isnull', True), models.Q(('reviewer', models.F('author')), _negated=True), _connector='OR'), name='targeting_pmtmodel_reviewer_is_not_author'),
        ),
        migrations.AddConstraint(
            model_name='pmtmodel',
            constraint=models.CheckConstraint(condition=models.Q(('activated_by__isnull', True), ('author__isnull', True), models.Q(('activated_by', models.F('author')), _negated=True), _connector='OR'), name='targeting_pmtmodel_activator_is_not_author'),
        ),
        migrations.AddConstraint(
            model_name='pmtmodel',
            constraint=models.CheckConstraint(condition=models.Q(('scale_high__gt', models.F('scale_low'))), name='targeting_pmtmodel_scale_increasing'),
        ),
        migrations.AddConstraint(
            model_name='pmtmodel',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['draft', 'submitted', 'approved', 'rejected', 'active', 'superseded'])), name='targeting_pmtmodel_status_valid'),
        ),
        migrations.AddConstraint(
            model_name='pmtweight',
            constraint=models.UniqueConstraint(fields=('model', 'indicator'), name='targeting_pmtweight_indicator_once_per_model'),
        ),
        migrations.AddConstraint(
            model_name='householdscore',
            constraint=models.CheckConstraint(condition=models.Q(('score__gte', 0), ('score__lte', 100)), name='targeting_householdscore_score_0_to_100'),
        ),
    ]
