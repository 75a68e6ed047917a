"""A backup restores into an emptied database with every table exactly as it was."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from tests.csv_helpers import make_full_dataset
from tests.factories import UserFactory, restore_vocabulary

pytestmark = pytest.mark.django_db(transaction=True)


def snapshot():
    """Every table's rows, sorted, as text."""
    tables = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - introspected names
            tables[table] = sorted(tuple(repr(value) for value in row) for row in cursor.fetchall())
    return tables


def test_backup_then_restore_gives_back_every_table(tmp_path):
    restore_vocabulary()  # an earlier transactional test may have emptied the migrated vocabulary
    make_full_dataset()
    UserFactory(username="editor-with-history")
    before = snapshot()
    assert sum(len(rows) for rows in before.values()) > 100
    backup = tmp_path / "nrfsite.backup"
    call_command("backup_data", str(backup), stdout=io.StringIO())
    call_command("flush", "--no-input", verbosity=0)
    assert snapshot() != before

    call_command("restore_data", str(backup), "--yes", stdout=io.StringIO())

    assert snapshot() == before


def test_restore_asks_for_confirmation(tmp_path):
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore_data", str(tmp_path / "missing.backup"))
