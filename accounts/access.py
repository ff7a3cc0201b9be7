"""Who may write: readers ask to become authors, admins decide, and decisions apply at once.

A signed-in identity carries the groups it was given at sign-in (the session) or in its access
token, which live up to 12 hours and 1 hour. So that an admin's change applies at the user's next
request, not when those expire, every change is also written to an access item
(``ACCESS#<username>``) that the identity middleware reads on each signed-in request (one GetItem;
anonymous readers cost nothing) and that replaces the groups it carries, or signs the user out
when disabled. Cognito is changed in the same action, so the next sign-in agrees. The item
expires (TTL) once no session or token from before the change can still be alive.

Requests to become an author are items in one partition (``ACCESS_REQUESTS``): a Query lists them.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from accounts.cognito import PoolUser, UserAdmin
from accounts.identity import Identity
from accounts.sessions import IDENTITY_LIFETIME_SECONDS
from cloud import aws
from cloud.resources import (
    ACCESS_REQUESTS_PARTITION,
    ENTITY,
    GROUP_ADMINS,
    GROUP_AUTHORS,
    PK,
    TTL_ATTRIBUTE,
    access_key,
    access_request_key,
)
from common.errors import UserError

logger = logging.getLogger(__name__)

MANAGED_GROUPS = (GROUP_AUTHORS, GROUP_ADMINS)
REASON_MAX_CHARS = 500  # a short note to the admins, not an essay
REQUESTS_MAX = 200  # one page of the admin's list; a blog does not get more at once
USERS_MAX = 500  # the admin page lists this many users at most (Cognito pages by 60)


class AccessError(UserError):
    status, code = 400, "invalid"
    message = "That cannot be done."


class AlreadyAuthor(AccessError):
    status, code = 409, "already_author"
    message = "You can already write."


class NotYourself(AccessError):
    status, code = 403, "forbidden"
    message = "Admins cannot take away their own admin rights or disable themselves."


class UnknownGroup(AccessError):
    message = "Only the authors and admins groups are managed here."


@dataclass(frozen=True)
class AccessRequest:
    username: str
    display_name: str
    reason: str
    requested_at: str


@dataclass(frozen=True)
class AccessDecision:
    groups: frozenset[str]
    disabled: bool


@dataclass(frozen=True)
class UserRow:
    user: PoolUser
    groups: frozenset[str]
    requested: bool


class AccessRepository:
    """The access items and access requests in the blog's table."""

    def __init__(self, client: Any = None, *, table: str | None = None) -> None:
        self.client = client or aws.client("dynamodb")
        self.table = table or aws.names().table

    @staticmethod
    def _key(key: dict[str, str]) -> dict[str, dict[str, str]]:
        return {name: {"S": value} for name, value in key.items()}

    def decision(self, username: str, *, now: float) -> AccessDecision | None:
        answer = self.client.get_item(TableName=self.table, Key=self._key(access_key(username)))
        item = answer.get("Item")
        if not item or int(item.get(TTL_ATTRIBUTE, {"N": "0"})["N"]) <= now:
            return None
        groups = frozenset(str(value["S"]) for value in item.get("groups", {}).get("L", []))
        return AccessDecision(groups=groups, disabled=bool(item.get("disabled", {}).get("BOOL", False)))

    def decide(self, username: str, *, decision: AccessDecision, now: float) -> None:
        self.client.put_item(
            TableName=self.table,
            Item={
                **self._key(access_key(username)),
                ENTITY: {"S": "access"},
                "groups": {"L": [{"S": group} for group in sorted(decision.groups)]},
                "disabled": {"BOOL": decision.disabled},
                # No session or token issued before now outlives this; later ones carry the change.
                TTL_ATTRIBUTE: {"N": str(int(now) + IDENTITY_LIFETIME_SECONDS + 60)},
            },
        )

    def request_put(self, request: AccessRequest) -> None:
        self.client.put_item(
            TableName=self.table,
            Item={
                **self._key(access_request_key(request.username)),
                ENTITY: {"S": "access_request"},
                "username": {"S": request.username},
                "display_name": {"S": request.display_name},
                "reason": {"S": request.reason},
                "requested_at": {"S": request.requested_at},
            },
        )

    def request_delete(self, username: str) -> None:
        self.client.delete_item(TableName=self.table, Key=self._key(access_request_key(username)))

    def request_get(self, username: str) -> AccessRequest | None:
        item = self.client.get_item(TableName=self.table, Key=self._key(access_request_key(username))).get(
            "Item"
        )
        return _request_from(item) if item else None

    def requests(self, *, limit: int) -> list[AccessRequest]:
        answer = self.client.query(
            TableName=self.table,
            KeyConditionExpression="#pk = :partition",
            ExpressionAttributeNames={"#pk": PK},
            ExpressionAttributeValues={":partition": {"S": ACCESS_REQUESTS_PARTITION}},
            Limit=limit,
        )
        return [_request_from(item) for item in answer.get("Items", [])]


def _request_from(item: dict[str, Any]) -> AccessRequest:
    def text(name: str) -> str:
        return str(item.get(name, {}).get("S", ""))

    return AccessRequest(
        username=text("username"),
        display_name=text("display_name"),
        reason=text("reason"),
        requested_at=text("requested_at"),
    )


# --- Reads ------------------------------------------------------------------------------------


def identity_current(
    identity: Identity | None, *, now: float | None = None, repository: AccessRepository | None = None
) -> Identity | None:
    """Return ``identity`` with the latest admin decision applied: its groups replaced, or None
    when the user is disabled. Anonymous visitors cost nothing."""
    if identity is None:
        return None
    now = time.time() if now is None else now
    decision = (repository or AccessRepository()).decision(identity.user_id, now=now)
    if decision is None:
        return identity
    if decision.disabled:
        return None
    return identity._replace(groups=decision.groups)


def access_request_get(*, username: str, repository: AccessRepository | None = None) -> AccessRequest | None:
    """Return the user's pending request to become an author, or None."""
    return (repository or AccessRepository()).request_get(username)


def access_request_list(*, repository: AccessRepository | None = None) -> list[AccessRequest]:
    """Return the pending requests to become an author."""
    return (repository or AccessRepository()).requests(limit=REQUESTS_MAX)


def user_list(*, admin: UserAdmin | None = None, repository: AccessRepository | None = None) -> list[UserRow]:
    """Return the pool's users with their managed groups and whether they asked to write."""
    admin = admin or UserAdmin()
    members = {group: admin.members(group) for group in MANAGED_GROUPS}
    requested = {r.username for r in access_request_list(repository=repository)}
    return [
        UserRow(
            user=user,
            groups=frozenset(group for group in MANAGED_GROUPS if user.username in members[group]),
            requested=user.username in requested,
        )
        for user in admin.list_users(limit=USERS_MAX)
    ]


# --- Writes -----------------------------------------------------------------------------------


def access_request_create(
    *,
    identity: Identity,
    reason: str,
    now: datetime | None = None,
    repository: AccessRepository | None = None,
) -> AccessRequest:
    """Ask the admins to let ``identity`` write; raise AlreadyAuthor or AccessError."""
    if identity.is_author:
        raise AlreadyAuthor()
    clean = " ".join(str(reason or "").split())
    if len(clean) > REASON_MAX_CHARS:
        raise AccessError(fields={"reason": f"At most {REASON_MAX_CHARS} characters."})
    moment = now or datetime.now(UTC)
    request = AccessRequest(
        username=identity.user_id,
        display_name=identity.display_name,
        reason=clean,
        requested_at=moment.isoformat(timespec="seconds"),
    )
    (repository or AccessRepository()).request_put(request)
    logger.info("access requested", extra={"user_id": identity.user_id})
    return request


def user_group_set(
    *,
    actor: Identity,
    username: str,
    group: str,
    member: bool,
    now: float | None = None,
    admin: UserAdmin | None = None,
    repository: AccessRepository | None = None,
) -> None:
    """Grant or revoke ``group`` (authors or admins) for ``username``, from the next request on.

    Granting authors settles the user's request to write. Raise UnknownGroup, NotYourself,
    or the accounts errors of Cognito (UserNotFound)."""
    if group not in MANAGED_GROUPS:
        raise UnknownGroup()
    if username == actor.user_id and group == GROUP_ADMINS and not member:
        raise NotYourself()
    admin = admin or UserAdmin()
    repository = repository or AccessRepository()
    admin.set_group(username, group=group, member=member)
    now = time.time() if now is None else now
    existing = repository.decision(username, now=now)
    decision = AccessDecision(
        groups=frozenset(admin.groups_of(username)), disabled=existing.disabled if existing else False
    )
    repository.decide(username, decision=decision, now=now)
    if group == GROUP_AUTHORS and member:
        repository.request_delete(username)
    logger.info(
        "group changed", extra={"user_id": username, "group": group, "member": member, "by": actor.user_id}
    )


def access_request_decline(
    *, actor: Identity, username: str, repository: AccessRepository | None = None
) -> None:
    """Drop a request to write without granting it."""
    (repository or AccessRepository()).request_delete(username)
    logger.info("access declined", extra={"user_id": username, "by": actor.user_id})


def user_enabled_set(
    *,
    actor: Identity,
    username: str,
    enabled: bool,
    now: float | None = None,
    admin: UserAdmin | None = None,
    repository: AccessRepository | None = None,
) -> None:
    """Disable (signed out at the next request, refused at sign-in) or enable a user."""
    if username == actor.user_id and not enabled:
        raise NotYourself()
    admin = admin or UserAdmin()
    repository = repository or AccessRepository()
    admin.set_enabled(username, enabled=enabled)
    repository.decide(
        username,
        decision=AccessDecision(groups=frozenset(admin.groups_of(username)), disabled=not enabled),
        now=time.time() if now is None else now,
    )
    logger.info(
        "user enabled" if enabled else "user disabled", extra={"user_id": username, "by": actor.user_id}
    )
