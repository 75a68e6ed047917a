"""The public bundle: every published record as one zip of the bundle's CSV files and its Data Package.

Built once per content version into `PUBLIC_BUNDLE_DIR` (the first request after a change pays for it,
under a file lock so concurrent requests build it once), then served from disk as a file: a request never
holds the whole dataset in memory, and a cache hit reads no table.
"""

import fcntl
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.http import FileResponse
from django.views.decorators.http import condition, require_safe

from nrfsite.interchange.bundle import export_zip
from nrfsite.site.models import ContentVersion

KEEP = 3  # older builds kept beside the newest, for downloads still being read


@contextmanager
def _locked(path):
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def public_bundle_path(homepage=""):
    """The zip of the current content version, built if it is not on disk yet."""
    version = ContentVersion.current()
    directory = Path(settings.PUBLIC_BUNDLE_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"nrfsite-public-v{version}.zip"
    if not path.exists():
        with _locked(directory / ".build.lock"):
            if not path.exists():  # another request may have built it while this one waited
                export_zip(path, public=True, homepage=homepage)
                for old in sorted(directory.glob("nrfsite-public-v*.zip"), key=lambda p: p.stat().st_mtime)[: -KEEP - 1]:
                    old.unlink(missing_ok=True)
    return path


def _etag(request):
    return f'"public-bundle-{ContentVersion.current()}"'


@require_safe
@condition(etag_func=_etag)
def public_bundle(request):
    path = public_bundle_path(homepage=request.build_absolute_uri("/"))
    response = FileResponse(path.open("rb"), as_attachment=True, filename="nrfsite-public.zip", content_type="application/zip")
    response["Cache-Control"] = "public, max-age=300"
    return response
