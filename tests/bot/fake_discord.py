"""A small fake of Discord's REST API and gateway on 127.0.0.1, for wire-level tests.

It speaks just enough for the unmodified discord.py client to log in (HELLO, IDENTIFY,
READY, GUILD_CREATE, heartbeat ACKs), lets a test inject MESSAGE_CREATE and
INTERACTION_CREATE, and records every request and gateway frame the bot sends.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

APP_ID = "700000000000000001"
BOT_ID = "700000000000000002"
GUILD_ID = "700000000000000003"
CHANNEL_ID = "700000000000000004"
USER_ID = "700000000000000005"
TIMESTAMP = "2026-11-26T09:00:00.000000+00:00"

BOT_USER = {"id": BOT_ID, "username": "newsdesk", "discriminator": "0", "global_name": None,
            "avatar": None, "bot": True}
ALICE = {"id": USER_ID, "username": "alice", "discriminator": "0", "global_name": "Alice",
         "avatar": None}


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: str

    @property
    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


@dataclass
class FakeDiscord:
    requests: list[Recorded] = field(default_factory=list)
    frames: list[dict[str, Any]] = field(default_factory=list)  # what the bot sent
    rate_limit_next: dict[str, int] = field(default_factory=dict)  # path -> 429s to send
    _ids: itertools.count = field(default_factory=lambda: itertools.count(800000000000000000))
    _sockets: list[web.WebSocketResponse] = field(default_factory=list)
    _seq: itertools.count = field(default_factory=lambda: itertools.count(1))
    _changed: asyncio.Condition | None = None
    _runner: web.AppRunner | None = None
    port: int = 0

    async def start(self) -> None:
        self._changed = asyncio.Condition()
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        for ws in self._sockets:
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    def new_id(self) -> str:
        return str(next(self._ids))

    # Waiting without sleeping: a condition notified on every request and frame ------

    async def wait_for(self, predicate, timeout: float = 10.0):
        """The first recorded request or frame that satisfies `predicate`."""
        assert self._changed is not None

        def found():
            return next((r for r in [*self.requests, *self.frames] if predicate(r)), None)

        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: found() is not None), timeout)
        return found()

    async def _notify(self) -> None:
        assert self._changed is not None
        async with self._changed:
            self._changed.notify_all()

    # Gateway ----------------------------------------------------------------------

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        frame = {"op": 0, "t": event, "s": next(self._seq), "d": data}
        for ws in self._sockets:
            await ws.send_str(json.dumps(frame))

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._sockets.append(ws)
        await ws.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": 45000}}))
        async for message in ws:
            if message.type is not WSMsgType.TEXT:
                continue
            frame = json.loads(message.data)
            self.frames.append(frame)
            if frame["op"] == 1:
                await ws.send_str(json.dumps({"op": 11}))
            elif frame["op"] == 2:
                await self._ready(ws)
            await self._notify()
        return ws

    async def _ready(self, ws: web.WebSocketResponse) -> None:
        ready = {"v": 10, "user": BOT_USER, "guilds": [{"id": GUILD_ID, "unavailable": True}],
                 "session_id": "fake-session", "resume_gateway_url": self.gateway_url,
                 "application": {"id": APP_ID, "flags": 0}, "private_channels": [],
                 "relationships": []}
        await ws.send_str(json.dumps({"op": 0, "t": "READY", "s": next(self._seq), "d": ready}))
        guild = {
            "id": GUILD_ID, "name": "Newsroom", "owner_id": USER_ID, "unavailable": False,
            "member_count": 2, "features": [], "emojis": [], "stickers": [],
            "roles": [{"id": GUILD_ID, "name": "@everyone", "permissions": "274877975552",
                       "position": 0, "color": 0, "hoist": False, "managed": False,
                       "mentionable": False, "flags": 0}],
            "channels": [{"id": CHANNEL_ID, "type": 0, "name": "desk", "position": 0,
                          "guild_id": GUILD_ID, "permission_overwrites": [], "nsfw": False}],
            "members": [{"user": BOT_USER, "roles": [], "joined_at": TIMESTAMP, "deaf": False,
                         "mute": False, "flags": 0}],
            "threads": [], "voice_states": [], "presences": [], "stage_instances": [],
            "guild_scheduled_events": [], "large": False, "joined_at": TIMESTAMP,
        }
        await ws.send_str(json.dumps({"op": 0, "t": "GUILD_CREATE", "s": next(self._seq),
                                      "d": guild}))

    # REST -------------------------------------------------------------------------

    async def _rest(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        self.requests.append(Recorded(request.method, path, dict(request.query),
                                      dict(request.headers), await request.text()))
        await self._notify()
        if self.rate_limit_next.get(path):
            self.rate_limit_next[path] -= 1
            return _json({"message": "You are being rate limited.", "retry_after": 0.05,
                          "global": False}, status=429,
                         headers={"Retry-After": "0.05", "Via": "1.1 google",
                                  "X-RateLimit-Scope": "user"})
        return self._answer(request.method, path, self.requests[-1].json)

    def _answer(self, method: str, path: str, body: Any) -> web.Response:
        if path == "/users/@me":
            return _json(BOT_USER)
        if path == "/oauth2/applications/@me":
            return _json({"id": APP_ID, "name": "newsdesk", "icon": None, "description": "",
                          "bot_public": False, "bot_require_code_grant": False,
                          "owner": ALICE, "verify_key": "0" * 64, "flags": 0})
        if path.endswith("/typing"):
            return web.Response(status=204)
        if path.startswith("/interactions/") and path.endswith("/callback"):
            interaction_id = path.split("/")[2]
            return _json({"interaction": {"id": interaction_id, "type": 2,
                                          "response_message_loading": body.get("type") == 5,
                                          "response_message_ephemeral": False},
                          "resource": {"type": body.get("type")}})
        if method in ("POST", "PATCH") and (path.endswith("/messages") or
                                            path.startswith("/webhooks/")):
            channel = path.split("/")[2] if path.startswith("/channels/") else CHANNEL_ID
            return _json(self.message(channel, BOT_USER, body or {}))
        return _json({"message": f"fake Discord has no route {method} {path}", "code": 0},
                     status=404)

    def message(self, channel_id: str, author: dict[str, Any], body: dict[str, Any],
                **extra: Any) -> dict[str, Any]:
        return {"id": self.new_id(), "channel_id": channel_id, "guild_id": GUILD_ID,
                "author": author, "content": body.get("content") or "", "timestamp": TIMESTAMP,
                "edited_timestamp": None, "tts": False, "mention_everyone": False,
                "mentions": [], "mention_roles": [], "attachments": [],
                "embeds": body.get("embeds") or [], "components": body.get("components") or [],
                "pinned": False, "type": 0, "flags": body.get("flags", 0), **extra}

    def interaction(self, name: str, options: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            "id": self.new_id(), "application_id": APP_ID, "type": 2, "token": "itoken-1",
            "version": 1, "guild_id": GUILD_ID, "channel_id": CHANNEL_ID,
            "channel": {"id": CHANNEL_ID, "type": 0, "name": "desk", "guild_id": GUILD_ID,
                        "position": 0, "permission_overwrites": []},
            "member": {"user": ALICE, "roles": [], "joined_at": TIMESTAMP, "deaf": False,
                       "mute": False, "permissions": "2248473465835073", "flags": 0},
            "data": {"id": self.new_id(), "name": name, "type": 1, "options": options},
            "app_permissions": "2248473465835073", "locale": "en-US", "guild_locale": "en-US",
            "entitlements": [], "authorizing_integration_owners": {"0": GUILD_ID},
            "context": 0, "attachment_size_limit": 10485760,
        }


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    # discord.py treats a body as JSON only when Content-Type is exactly application/json.
    return web.Response(body=json.dumps(data).encode(), status=status,
                        headers={"Content-Type": "application/json", **(headers or {})})
