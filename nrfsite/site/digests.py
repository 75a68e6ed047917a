"""The watchlists' email digests: what readers saw change of what one watches, and what of it needs attention.

For each watchlist due one (`Watchlist.objects.due`: daily or weekly, of someone who may still watch), a digest
lists, per watched entity, province or event type, the published changes since the last digest, read through
the public changes' one rule (`changes_page` of `scope`, so a draft, a change waiting for review or an
unpublished item never shows), and the items of the needs-attention queues (`queues.buckets`) about what is
watched. Nothing to say: no email. It goes as text and HTML through Django's email framework (EMAIL_URL),
with a one-click unsubscribe link (RFC 8058).

A run claims each digest with one conditional UPDATE of its last-sent time, so two runs at once send it once;
a digest whose sending fails gets its old time back and goes at the next run. `manage.py send_digests` starts
the "digest" job from cron.
"""

import datetime
import hashlib
import logging
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from entities.models import Entity, Section, Statement
from events.models import Event, EventType
from events.presenters import event_type_text
from nrfsite.core.translations import shown
from nrfsite.editorial import queues
from nrfsite.jobs import registry, runner
from nrfsite.site.changes import changes_page
from nrfsite.site.filters import provinces
from nrfsite.site.models import PERIODS, Watchlist
from nrfsite.site.revisions import scope
from nrfsite.site.watchlists import absolute, unsubscribe_url

logger = logging.getLogger(__name__)

JOB = "digest"
# A digest reaches back at most this far: one switched on again after months lists the last weeks, not all.
LOOKBACK = datetime.timedelta(days=31)


@dataclass(frozen=True)
class Line:
    """One published change as a digest lists it, with its absolute link on the item's page of changes."""

    when: datetime.datetime
    title: str
    note: str
    url: str


@dataclass
class Topic:
    """One watched thing and its published changes; `more` when there were more than a digest lists."""

    label: str
    lines: list
    more: bool
    url: str  # the recent changes page filtered to it


@dataclass
class Attention:
    """One needs-attention queue's items about what is watched: [(label, why, admin link)]."""

    title: str
    items: list


@dataclass
class Digest:
    watchlist: Watchlist
    since: datetime.datetime
    until: datetime.datetime
    topics: list = field(default_factory=list)
    attention: list = field(default_factory=list)

    @property
    def changes(self):
        return sum(len(topic.lines) for topic in self.topics)

    @property
    def items(self):
        return sum(len(queue.items) for queue in self.attention)

    @property
    def attention_key(self):
        """What the digest lists as needing attention, as one short key (its queues and items' addresses)."""
        listed = sorted(f"{queue.title}\n{url}" for queue in self.attention for _label, _why, url in queue.items)
        return hashlib.sha256("\n".join(listed).encode()).hexdigest() if listed else ""

    @property
    def empty(self):
        """Nothing to say: no change, and no item needing attention that the last digest did not list already
        (an item that stays on its queue is not mailed every day)."""
        return not self.changes and (not self.items or self.attention_key == self.watchlist.last_attention)


@dataclass
class Watched:
    """What a watchlist watches, read once: its entities, its provinces (public places) and its event types."""

    entities: list = field(default_factory=list)
    places: list = field(default_factory=list)
    types: list = field(default_factory=list)

    @classmethod
    def of(cls, watchlist):
        watched = cls()
        codes = []
        for watch in watchlist.watches.select_related("entity", "event_type__parent").order_by("created_at", "pk"):
            if watch.entity is not None:
                watched.entities.append(watch.entity)
            elif watch.event_type is not None:
                watched.types.append(watch.event_type)
            else:
                codes.append(watch.province)
        if codes:  # one query; a province readers cannot see (a draft) has no public changes to list
            found = {place.iso_code: place for place in provinces().filter(iso_code__in=codes)}
            watched.places = [found[code] for code in codes if code in found]
        return watched

    def topics(self):
        """[(label, scope, the recent changes page's filter)] of each watched thing."""
        return [
            *((shown(e, "name").text, scope(entity=e), {"entity": e.slug}) for e in self.entities),
            *((shown(p, "name").text, scope(province=p), {"province": p.slug}) for p in self.places),
            *((event_type_text(t), scope(event_type=t), {"event_type": t.slug}) for t in self.types),
        ]


def headline(change):
    """What changed, in words: "National Resistance Front: Description changed"."""
    if change.first:
        return gettext("%(item)s: published") % {"item": change.title_text}
    labels = ", ".join(str(changed.label) for changed in change.fields)
    return gettext("%(item)s: %(fields)s changed") % {"item": change.title_text, "fields": labels}


def _topics(watched, *, since, until):
    topics, seen = [], set()
    for label, parts, filters in watched.topics():
        page = changes_page(parts, since=since)
        lines = []
        for change in page.changes:
            key = (change.kind.name, change.record.history_id)
            if change.when >= until or key in seen:
                continue  # made after this digest was claimed (the next lists it), or listed under another topic
            seen.add(key)
            url = absolute(f"{change.changes_url}#{change.anchor}")
            lines.append(Line(change.when, headline(change), change.note, url))
        if lines:
            topics.append(Topic(label, lines, page.older is not None, absolute(f"{reverse('changes')}?{urlencode(filters)}")))
    return topics


def _label(obj):
    if isinstance(obj, Statement):  # its value may name an entity: one more query per statement
        return f"{obj.subject}: {obj.property}"
    return str(obj)


def _watched_items(watched):
    """{model: Q} of the queue items about what is watched, as `scope` takes them in."""
    entities = [entity.pk for entity in watched.entities]
    places, types, events = Entity.objects.none(), EventType.objects.none(), Event.objects.none()
    for place in watched.places:
        places |= Entity.objects.at(place)
    for event_type in watched.types:
        types |= event_type.with_subtypes()
    for entity in watched.entities:
        events |= Event.objects.involving(entity)
    places = places.values("pk")
    conditions = {Event: Q(pk__in=events.values("pk")) | Q(location__in=places) | Q(event_type__in=types.values("pk"))}
    if entities or watched.places:
        conditions[Entity] = Q(pk__in=entities) | Q(pk__in=places)
        conditions[Section] = Q(entity__in=entities) | Q(entity__in=places)
        conditions[Statement] = Q(subject__in=entities) | Q(subject__in=places)
    return conditions


def _attention(user, watched, buckets):
    """The items of today's queues (`buckets`) about what is watched, of the models `user` may view."""
    if not (watched.entities or watched.places or watched.types):
        return []
    conditions = _watched_items(watched)
    shown_buckets = [
        bucket
        for bucket in buckets
        if bucket.items
        and bucket.model in conditions
        and user.has_perm(f"{bucket.model._meta.app_label}.view_{bucket.model._meta.model_name}")
    ]
    candidates = {}
    for bucket in shown_buckets:
        candidates.setdefault(bucket.model, set()).update(bucket.pks)
    about = {
        model: set(model.objects.filter(conditions[model], pk__in=pks).values_list("pk", flat=True))
        for model, pks in candidates.items()
    }
    attention = []
    for bucket in shown_buckets:
        opts = bucket.model._meta
        items = [
            (
                _label(item.obj),
                item.why,
                absolute(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[item.obj.pk])),
            )
            for item in bucket.items
            if item.obj.pk in about[bucket.model]
        ]
        if items:
            attention.append(Attention(str(bucket.title), items))
    return attention


def build_digest(watchlist, *, now, buckets):
    """`watchlist`'s digest of what happened until `now` since its last one (at most LOOKBACK back; never
    sent: one period back), with the items of today's queues `buckets` (`queues.buckets`) about what it watches."""
    last = watchlist.last_sent_at
    since = max(last, now - LOOKBACK) if last else now - PERIODS.get(watchlist.frequency, LOOKBACK)
    watched = Watched.of(watchlist)
    digest = Digest(watchlist, since, now)
    digest.topics = _topics(watched, since=since, until=now)
    digest.attention = _attention(watchlist.user, watched, buckets)
    return digest


def digest_message(digest):
    """The email of `digest`: text and HTML, to its user's address, with the one-click unsubscribe headers."""
    unsubscribe = unsubscribe_url(digest.watchlist)
    context = {
        "digest": digest,
        "user": digest.watchlist.user,
        "unsubscribe_url": unsubscribe,
        "watchlist_url": absolute(reverse("admin:nrfsite_watchlist_changelist")),
    }
    parts = []
    if digest.changes:
        parts.append(
            ngettext("%(count)d published change", "%(count)d published changes", digest.changes) % {"count": digest.changes}
        )
    if digest.items:
        parts.append(
            ngettext("%(count)d item needs attention", "%(count)d items need attention", digest.items) % {"count": digest.items}
        )
    subject = gettext("NRF knowledge base digest: %(what)s") % {"what": ", ".join(parts)}
    message = EmailMultiAlternatives(
        subject,
        render_to_string("site/email/digest.txt", context),
        to=[digest.watchlist.user.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",  # RFC 3834: no out-of-office replies
        },
    )
    message.attach_alternative(render_to_string("site/email/digest.html", context), "text/html")
    return message


def claim(watchlist, now):
    """Take `watchlist`'s digest for this run: its last-sent time moves to `now` only if it is still the one this
    run read, so of two runs that read it due, one sends (one conditional UPDATE)."""
    mine = Watchlist.objects.filter(pk=watchlist.pk, last_sent_at=watchlist.last_sent_at, frequency=watchlist.frequency)
    return mine.update(last_sent_at=now) == 1


def release(watchlist, now):
    """Give back a claim that sent nothing: the next run lists the same period again."""
    Watchlist.objects.filter(pk=watchlist.pk, last_sent_at=now).update(last_sent_at=watchlist.last_sent_at)


def send_due(watchlists, *, now, buckets=None, progress=None):
    """Claim, build and send the digest of each of `watchlists` (read due at `now`); Counter of how it went:
    "sent", "failed" (given back, to go at the next run), "quiet" (nothing to say), "taken" (another run's)."""
    watchlists = list(watchlists)
    counts = Counter()
    if not watchlists:
        return counts
    with translation.override(settings.LANGUAGE_CODE):
        buckets = queues.buckets(timezone.localdate(now)) if buckets is None else buckets
        connection = get_connection()
        try:
            for done, watchlist in enumerate(watchlists, 1):
                counts[_send_one(watchlist, now=now, buckets=buckets, connection=connection)] += 1
                if progress:
                    progress(done, len(watchlists), gettext("sending digests"))
        finally:
            connection.close()
    return counts


def _send_one(watchlist, *, now, buckets, connection):
    if not claim(watchlist, now):
        return "taken"
    try:
        digest = build_digest(watchlist, now=now, buckets=buckets)
        if digest.empty:
            release(watchlist, now)
            return "quiet"
        sent = connection.send_messages([digest_message(digest)])
        if sent != 1:
            raise RuntimeError(f"the email backend sent {sent} messages, not 1")
        Watchlist.objects.filter(pk=watchlist.pk).update(last_attention=digest.attention_key)
    except Exception:  # one digest's failure (an SMTP error) must not stop the others: this one goes next run
        logger.exception("digest of watchlist %s not sent; it goes at the next run", watchlist.pk)
        release(watchlist, now)
        connection.close()  # an SMTP connection may be broken: the next message opens a new one
        return "failed"
    return "sent"


def summary(counts):
    return gettext("Digests: %(sent)d sent, %(failed)d failed (retried at the next run), %(quiet)d with nothing to say.") % {
        "sent": counts["sent"],
        "failed": counts["failed"],
        "quiet": counts["quiet"],
    }


def send_digests(*, now=None, frequency=None, progress=None):
    """Send every digest due at `now` (of `frequency` only, when given); the outcome, with counts and a summary."""
    now = now or timezone.now()
    due = Watchlist.objects.due(now, frequency).select_related("user").order_by("pk")
    counts = send_due(due, now=now, progress=progress)
    return {**{key: counts[key] for key in ("sent", "failed", "quiet", "taken")}, "summary": summary(counts)}


def would_send(*, now=None, frequency=None):
    """(digests due, those with something to say) at `now`: what a run would send, sending nothing."""
    now = now or timezone.now()
    due = list(Watchlist.objects.due(now, frequency).select_related("user"))
    if not due:
        return 0, 0
    with translation.override(settings.LANGUAGE_CODE):
        buckets = queues.buckets(timezone.localdate(now))
        return len(due), sum(not build_digest(watchlist, now=now, buckets=buckets).empty for watchlist in due)


# The job ------------------------------------------------------------------------------


def title(frequency=None):
    if frequency:
        return gettext("Send the %(frequency)s watchlist digests") % {"frequency": frequency}
    return gettext("Send the watchlist digests")


def start(*, frequency=None, user=None):
    """Queue a digest run for a worker; return the Job."""
    return runner.start(JOB, title=title(frequency), user=user, params={"frequency": frequency} if frequency else {})


def run_digest_job(job, context):
    return send_digests(frequency=job.params.get("frequency"), progress=context.progress)


def register_jobs():
    registry.register(JOB, run=run_digest_job)
