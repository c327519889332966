"""`/healthz` (this process answers) and `/readyz` (it can serve: the database answers and
its migrations are current), for load balancers, orchestrators and monitoring.

Both are plain JSON, never cached, never rate limited, and read no session.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from forum.outage import RETRY_AFTER_SECONDS
from forum.queries.health import readiness

NO_STORE = {"Cache-Control": "no-store"}


async def healthz(request: Request) -> Response:
    """The process is up and answering; asks nothing of the database."""
    return JSONResponse({"status": "ok"}, headers=NO_STORE)


async def readyz(request: Request) -> Response:
    found = await readiness()
    body: dict[str, object] = {
        "status": "ready" if found.ready else "not ready",
        "database": found.database,
        "migrations": ("unknown" if found.database != "reachable"
                       else "pending" if found.pending else "current"),
    }
    if found.pending:
        body["pending_migrations"] = found.pending
        body["problem"] = (f"{len(found.pending)} migration(s) not applied: run "
                           "`forum migrate`")
    elif found.problem:
        body["problem"] = f"the database can't be reached ({found.problem})"
    if found.ready:
        return JSONResponse(body, headers=NO_STORE)
    return JSONResponse(body, status_code=503,
                        headers={**NO_STORE, "Retry-After": str(RETRY_AFTER_SECONDS)})
