"""An inverted index of the words of members' name keys, so that a name is found from any of its words
("Aslam" finds "Muhammad Aslam") without reading the member table.

PostgreSQL only: a GIN index over `string_to_array(name_key, ' ')`, which the name search queries with
`@>` (`ehsaas.registry.search`). SQLite, used for the demo and quick tests, has no such index; the search
falls back there to a scan that is fast enough at demo scale. The expression must stay exactly the one
the search writes, or the planner will not use the index.
"""

from django.db import migrations

INDEX = "registry_member_name_words_gin"
CREATE = f"CREATE INDEX IF NOT EXISTS {INDEX} ON registry_member USING gin (string_to_array(name_key, ' '))"
DROP = f"DROP INDEX IF EXISTS {INDEX}"


def _on_postgresql(sql: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("registry", "0002_role_permissions")]

    operations = [
        migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP), elidable=False),
    ]
