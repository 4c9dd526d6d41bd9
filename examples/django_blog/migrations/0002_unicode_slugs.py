from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("django_blog", "0001_initial")]

    operations = [
        migrations.AlterField(
            model_name="post",
            name="slug",
            field=models.SlugField(allow_unicode=True, unique=True),
        ),
    ]
