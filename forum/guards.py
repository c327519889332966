"""Structural guards for whole areas: everything mounted under /mod needs a moderator and
everything under /admin an admin, whatever each handler does (a convention test checks every
route in those areas refuses members)."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from forum.models.accounts import Role

ALLOWED = {
    Role.MODERATOR: (Role.MODERATOR, Role.ADMIN),
    Role.ADMIN: (Role.ADMIN,),
}


class RequireRole:
    def __init__(self, app: ASGIApp, *, role: Role) -> None:
        self.app = app
        self.allowed = ALLOWED[role]
        self.area = "moderators" if role is Role.MODERATOR else "admins"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        viewer = scope.get("state", {}).get("viewer")
        if viewer is None:
            raise HTTPException(401, "Please sign in first.")
        if viewer.role not in self.allowed:
            raise HTTPException(403, f"This area is for {self.area}.")
        await self.app(scope, receive, send)
