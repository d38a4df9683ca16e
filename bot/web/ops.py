"""Operations endpoints and request metrics of the web process.

``GET /healthz``: the process is up (no database call: a restart would not help a
database outage).  ``GET /readyz``: 200 when the database answers and is migrated to
head, else 503, so a proxy or orchestrator sends traffic elsewhere.  ``GET /metrics``:
Prometheus' text format; serve it to the monitoring network only (see README).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from aiohttp import web

from dialogs.application import metrics
from dialogs.application.factory import Application
from dialogs.application.health import readiness

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _route(request: web.Request) -> str:
    """The route's pattern (``/i/{token}``), never the path itself (ids, tokens)."""
    route = request.match_info.route
    resource = route.resource
    if resource is None:
        return "other"
    return resource.canonical if resource.canonical.startswith("/") else "other"


@web.middleware
async def count_requests(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Requests and their latency, by route pattern, method and status."""
    started = time.perf_counter()
    status = 500
    try:
        response = await handler(request)
        status = response.status
        return response
    except web.HTTPException as exc:
        status = exc.status
        raise
    finally:
        route = _route(request)
        if route.startswith("/static"):
            route = "/static"
        metrics.REQUESTS.labels(route, request.method, str(status)).inc()
        metrics.LATENCY.labels(route).observe(time.perf_counter() - started)


def add_routes(app: web.Application, services: Application) -> None:
    """/healthz, /readyz and /metrics on ``app``."""

    async def healthz(request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def readyz(request: web.Request) -> web.Response:
        state = await readiness(services.store)
        body = {
            "status": "ok" if state.ready else "unavailable",
            "database": state.database,
            "revision": state.revision,
            "head": state.head,
        }
        if state.problem:
            body["problem"] = state.problem
        return web.json_response(body, status=200 if state.ready else 503)

    async def exposition(request: web.Request) -> web.Response:
        response = web.Response(body=metrics.exposition())
        response.headers["Content-Type"] = metrics.CONTENT_TYPE
        return response

    app.router.add_get("/healthz", healthz, allow_head=False)
    app.router.add_get("/readyz", readyz, allow_head=False)
    app.router.add_get("/metrics", exposition, allow_head=False)
