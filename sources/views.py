"""Source pages, as far as the sources app knows them: the filtered list, and a page for each source.

What a source backs (statements, events, sections) needs the other apps: `nrfsite/site/pages.py` adds it.
"""

from django.utils.translation import pgettext
from django.views.generic import DetailView
from django_filters.views import FilterView

from nrfsite.core.preview import PreviewNotice
from nrfsite.interchange.downloads import CSVDownloadMixin
from sources.filters import SourceFilterSet
from sources.models import Source, natural_key
from sources.resources import SourceResource


class SourceListView(CSVDownloadMixin, FilterView):
    filterset_class = SourceFilterSet
    template_name = "sources/source_list.html"
    paginate_by = 100
    resource_class = SourceResource
    download_name = "sources"

    def get_queryset(self):
        return Source.objects.public().with_work().order_by("key")

    def paginate_queryset(self, queryset, page_size):
        """Keys in natural order: wp-ref-2 before wp-ref-13 (sources are hundreds, not millions)."""
        return super().paginate_queryset(sorted(queryset, key=lambda source: natural_key(source.key)), page_size)

    def get_context_data(self, **kwargs):
        return super().get_context_data(section="sources", **kwargs)


class SourceDetailView(DetailView):
    template_name = "sources/source_detail.html"
    context_object_name = "source"
    slug_field = "key"
    slug_url_kwarg = "key"

    def get_queryset(self):
        drafts = self.request.user.has_perm("sources.view_source")
        return Source.objects.visible(preview=drafts).with_work()

    def get_context_data(self, **kwargs):
        preview = not self.object.is_published
        notice = PreviewNotice(pgettext("what a page is of", "source"), page_is_draft=True) if preview else None
        return super().get_context_data(section="sources", preview=preview, preview_notice=notice, **kwargs)
