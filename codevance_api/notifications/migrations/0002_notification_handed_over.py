from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0001_initial"),
    ]

    operations = [
        # Rows written before this field existed were handed over (or waited for the dispatcher's
        # grace, as they still will): True for them, False for every new row until the broker takes it.
        migrations.AddField(
            model_name="notification",
            name="handed_over",
            field=models.BooleanField(default=True),
        ),
        migrations.AlterField(
            model_name="notification",
            name="handed_over",
            field=models.BooleanField(default=False),
        ),
    ]
