"""Readers of the public site, for scripts/reliability.py (Locust, headless).

The mix: home, the NRF page, the timeline with and without varying filters (so
not every request is a cache hit), event and source pages, search.
"""

import random

from locust import HttpUser, between, task

MONTHS = [f"{year}-{month:02d}" for year in (2021, 2022, 2023, 2024, 2025) for month in range(1, 13)]
WORDS = ["panjshir", "massoud", "taliban", "kabul", "baghlan", "synthetic", "event", "resistance"]


class Reader(HttpUser):
    wait_time = between(0.05, 0.3)

    @task(3)
    def home(self):
        self.client.get("/")

    @task(4)
    def entity(self):
        self.client.get("/entities/nrf/")

    @task(4)
    def timeline(self):
        self.client.get("/events/")

    @task(4)
    def filtered_timeline(self):
        self.client.get(
            f"/events/?date_from={random.choice(MONTHS)}",  # noqa: S311
            name="/events/?date_from=…",
        )

    @task(2)
    def event(self):
        self.client.get("/events/taliban-claim-victory-panjshir-2021-09-06/")

    @task(2)
    def source(self):
        self.client.get("/sources/wp-ref-42/")

    @task(2)
    def search(self):
        self.client.get(f"/search/?q={random.choice(WORDS)}", name="/search/?q=…")  # noqa: S311

    @task(1)
    def health(self):
        self.client.get("/healthz")


FILTERS = [{}, {"place": "panjshir"}, {"participant": "nrf"}]


class TimelineReader(HttpUser):
    """The HTML timeline alone, for a throughput figure beside the API's."""

    wait_time = between(0.05, 0.3)

    @task(2)
    def timeline(self):
        self.client.get("/events/")

    @task(3)
    def filtered(self):
        params = {"date_from": random.choice(MONTHS), **random.choice(FILTERS)}  # noqa: S311
        self.client.get("/events/", params=params, name="/events/?date_from=…")


class ApiReader(HttpUser):
    """/api/events/ alone: the first page, filtered pages and the next page by cursor."""

    wait_time = between(0.05, 0.3)

    @task(2)
    def events(self):
        response = self.client.get("/api/events/")
        following = response.ok and response.json().get("next")
        if following:
            self.client.get(following, name="/api/events/?cursor=…")

    @task(3)
    def filtered(self):
        params = {"date_from": random.choice(MONTHS), **random.choice(FILTERS)}  # noqa: S311
        self.client.get("/api/events/", params=params, name="/api/events/?date_from=…")
