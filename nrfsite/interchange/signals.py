"""What the importer tells the rest of the site: bulk writes send no model signals, so it sends this one."""

from django.dispatch import Signal

# Sent inside the import's transaction after a chunk of rows is written; sender is the model,
# with `created` and `changed` row counts. The page cache bumps its content version on it.
rows_imported = Signal()
