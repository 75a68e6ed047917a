"""The read-only JSON API under /api/: the public site's data, by the same `public()` rules and filters."""
