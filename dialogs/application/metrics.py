"""Prometheus metrics of what the product does, counted where it happens.

The channels count requests and Telegram's flood control; the application layer counts
dialog steps, answers saved and reminders.  Several workers share them through
prometheus-client's multiprocess mode (``PROMETHEUS_MULTIPROC_DIR``, which
``python -m bot --workers N`` sets up), so one scrape of any worker sees them all.
Labels are closed sets (routes as patterns, channels, outcomes): never ids or texts.
"""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

REQUESTS = Counter(
    "saualnama_http_requests_total", "HTTP requests by route, method and status",
    ["route", "method", "status"],
)  # fmt: skip
LATENCY = Histogram(
    "saualnama_http_request_duration_seconds", "HTTP request latency by route", ["route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)  # fmt: skip
DIALOG_STEPS = Counter(
    "saualnama_dialog_steps_total", "Dialog steps by channel and outcome", ["channel", "outcome"]
)
ANSWERS_SAVED = Counter("saualnama_answers_saved_total", "Answers saved by channel", ["channel"])
REMINDERS = Counter(
    "saualnama_reminders_total", "Reminders by outcome (sent, failed, undeliverable)", ["outcome"]
)
TELEGRAM_429 = Counter(
    "saualnama_telegram_flood_waits_total", "Telegram 429 (flood control) answers received"
)
CONTENT_TYPE = CONTENT_TYPE_LATEST


def exposition() -> bytes:
    """The metrics in Prometheus' text format: this process's, or every worker's."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry)
    return generate_latest()
