"""Every public list offers its filtered result as CSV, in the bulk-export shape, streamed."""

import io

from django.conf import settings
from django.db.models import Model
from django.http import HttpResponseBadRequest, JsonResponse, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.text import slugify

from nrfsite.interchange import dialect

NAME_LIMIT = 120


def _lines(rows):
    """Each row as CSV text in the bundle's dialect, as it is read."""
    buffer = io.StringIO()
    for cells in rows:
        dialect.write([cells], buffer)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def stream_csv(resource, queryset, filename, *, described_by=""):
    """A streaming response: rows are written as they are read, so memory does not grow with the result."""
    response = stream_lines(_lines(resource.export_rows(queryset)), filename)
    if described_by:
        response["Link"] = f'<{described_by}>; rel="describedby"; type="application/json"'
    return response


def in_data_language(lines):
    """The lines, each written with the code's own language (English) active, whatever page offered the file.

    A download is for programs: a label a writer puts in a cell (an event type, a role) must read the same
    from /prs/events/?format=ucdp as from /events/?format=ucdp. Each line is written under the override, not
    the whole stream, because a streamed body is read after the view has returned."""
    rows = iter(lines)
    while True:
        with translation.override(settings.LANGUAGE_CODE):
            line = next(rows, None)
        if line is None:
            return
        yield line


def stream_lines(lines, filename):
    """A streaming CSV attachment of already-written lines."""
    response = StreamingHttpResponse(in_data_language(lines), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def _cell_name(value):
    if isinstance(value, Model):
        return getattr(value, "slug", None) or getattr(value, "key", None) or str(value.pk)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def download_name(base, filterset):
    """What a download is, in its file name: `events-panjshir-2021-08` for the timeline filtered by place and
    date. The filters' own order, their cleaned values (a place's slug, a date at its precision)."""
    parts = [base]
    for name in filterset.filters:
        value = filterset.form.cleaned_data.get(name)
        if value in (None, "", [], ()) or name == "ordering":
            continue
        parts.append(slugify(_cell_name(value)) or name)
    return "-".join(parts)[:NAME_LIMIT].rstrip("-")


class CSVDownloadMixin:
    """For a FilterView: `?format=csv` (with the same filters) downloads exactly the filtered list."""

    resource_class = None
    download_name = "export"
    # Other shapes of the same filtered list: {"acled": writer}, where writer(queryset) yields the header,
    # then each row, as lists of text. `?format=acled` downloads `events-panjshir-acled.csv`.
    formats = {}

    def get(self, request, *args, **kwargs):
        wanted = request.GET.get("format")
        if wanted not in ("csv", "datapackage", *self.formats):
            return super().get(request, *args, **kwargs)
        filterset = self.get_filterset(self.get_filterset_class())
        if not filterset.is_valid():
            # Plain text: the message quotes what was typed, which must never render as HTML.
            return HttpResponseBadRequest(
                "The filters are not valid: "
                + "; ".join(f"{name}: {' '.join(errors)}" for name, errors in filterset.errors.items()),
                content_type="text/plain; charset=utf-8",
            )
        name = download_name(self.download_name, filterset)
        if wanted in self.formats:
            rows = ([dialect.escape_cell(cell) for cell in row] for row in self.formats[wanted](filterset.qs))
            return stream_lines(_lines(rows), f"{name}-{wanted}")
        resource = self.resource_class()
        resource.for_public = True
        if wanted == "datapackage":
            with translation.override(settings.LANGUAGE_CODE):  # a file for programs, like the CSV it describes
                descriptor = self.datapackage(request, resource, name)
            return JsonResponse(descriptor, json_dumps_params={"indent": 2})
        return stream_csv(resource, filterset.qs, name, described_by=self.format_url(request, "datapackage"))

    def format_url(self, request, wanted=None):
        """This list's address with the same filters, as `wanted` ("csv", "datapackage") or as the page."""
        query = request.GET.copy()
        query.pop("format", None)
        if wanted:
            query["format"] = wanted
        encoded = query.urlencode()
        return request.build_absolute_uri(f"{request.path}?{encoded}" if encoded else request.path)

    def datapackage(self, request, resource, name):
        """The sidecar of a download (Frictionless Data Package): what the file is, where from, under what licence."""
        header = next(resource.export_rows(resource.model._default_manager.none()))
        site = request.build_absolute_uri("/")
        return {
            "profile": "data-package",
            "name": name,
            "title": f"{settings.DATA_SITE_TITLE}: {resource.model._meta.verbose_name_plural}",
            "created": timezone.now().isoformat(timespec="seconds"),
            "homepage": self.format_url(request),
            "sources": [{"title": settings.DATA_SITE_TITLE, "path": site}],
            "licenses": [settings.DATA_LICENCE],
            "resources": [
                {
                    "name": name,
                    "path": self.format_url(request, "csv"),
                    "format": "csv",
                    "mediatype": "text/csv",
                    "encoding": "utf-8",
                    "schema": {"fields": [{"name": column, "type": "string"} for column in header]},
                }
            ],
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        for where in ("page", "after", "before", "format"):  # a page's place in the list is not a filter
            query.pop(where, None)
        context["querystring_without_page"] = query.urlencode()
        download = query.copy()
        download["format"] = "csv"
        context["download_querystring"] = download.urlencode()
        context["format_querystrings"] = {}
        for name in self.formats:
            download["format"] = name
            context["format_querystrings"][name] = download.urlencode()
        return context
