"""Every public list offers its filtered result as CSV, in the bulk-export shape, streamed."""

import io

from django.http import HttpResponseBadRequest, StreamingHttpResponse

from nrfsite.interchange import dialect


def _lines(rows):
    """Each row as CSV text in the bundle's dialect, as it is read."""
    buffer = io.StringIO()
    for cells in rows:
        dialect.write([cells], buffer)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def stream_csv(resource, queryset, filename):
    """A streaming response: rows are written as they are read, so memory does not grow with the result."""
    rows = _lines(resource.export_rows(queryset))
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


class CSVDownloadMixin:
    """For a FilterView: `?format=csv` (with the same filters) downloads exactly the filtered list."""

    resource_class = None
    download_name = "export"

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") != "csv":
            return super().get(request, *args, **kwargs)
        filterset = self.get_filterset(self.get_filterset_class())
        if not filterset.is_valid():
            # Plain text: the message quotes what was typed, which must never render as HTML.
            return HttpResponseBadRequest(
                "The filters are not valid: "
                + "; ".join(f"{name}: {' '.join(errors)}" for name, errors in filterset.errors.items()),
                content_type="text/plain; charset=utf-8",
            )
        resource = self.resource_class()
        resource.for_public = True
        return stream_csv(resource, filterset.qs, self.download_name)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        query.pop("format", None)
        context["querystring_without_page"] = query.urlencode()
        download = query.copy()
        download["format"] = "csv"
        context["download_querystring"] = download.urlencode()
        return context
