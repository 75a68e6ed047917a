"""Backups of the whole database that can be restored: SQLite's online backup, or pg_dump's custom format.

The CSV bundle (`export_bundle`) is the portable format between engines and
sites; these are the exact, engine-native copies (users, revisions and all).
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connections


class BackupError(Exception):
    """A backup or restore that could not run; the message says what to do."""


def _vendor(alias):
    return connections[alias].vendor


def _pg_environment(alias):
    settings = connections[alias].settings_dict
    environment = {**os.environ}
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD")):
        if settings.get(key):
            environment[variable] = str(settings[key])
    return environment, settings["NAME"]


def _tool(name):
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed: apt-get install postgresql-client")
    return path


def backup_database(destination, *, alias="default"):
    """Write a consistent copy of the live database to `destination` (a file); returns its path."""
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    connection = connections[alias]
    if _vendor(alias) == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(destination)
        try:
            # SQLite's online backup API: a consistent snapshot while the site keeps running.
            connection.connection.backup(target)
        finally:
            target.close()
        return destination
    if _vendor(alias) == "postgresql":
        environment, name = _pg_environment(alias)
        subprocess.run(  # noqa: S603 - our own arguments
            [_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(destination), name],
            env=environment,
            check=True,
            capture_output=True,
            text=True,
        )
        return destination
    raise BackupError(f"No backup method for the {_vendor(alias)} engine.")


def restore_database(source, *, alias="default"):
    """Replace the database's contents with a backup made by `backup_database` (stop the site first)."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"{source} is not a file.")
    connection = connections[alias]
    if _vendor(alias) == "sqlite":
        backup = sqlite3.connect(source)
        try:
            connection.ensure_connection()
            backup.backup(connection.connection)
        finally:
            backup.close()
        return
    if _vendor(alias) == "postgresql":
        environment, name = _pg_environment(alias)
        connection.close()
        result = subprocess.run(  # noqa: S603 - our own arguments
            [
                _tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--dbname",
                name,
                str(source),
            ],
            env=environment,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_restore failed: {result.stderr.strip()[-2000:]}")
        return
    raise BackupError(f"No restore method for the {_vendor(alias)} engine.")
