"""Once created two task indexes by SQL; they are declared on the Task model now (followups 0005)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("followups", "0003_h_list_note")]
    operations = []
