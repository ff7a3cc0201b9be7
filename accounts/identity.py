"""Who is making the request: the contract between accounts/ and every other app.

``request.identity`` is an ``Identity`` for a signed-in user (from the session or a Bearer access
token) and ``None`` for an anonymous visitor. Other apps read only this.
"""

from __future__ import annotations

from typing import NamedTuple

from cloud.resources import GROUP_ADMINS, GROUP_AUTHORS


class Identity(NamedTuple):
    # The Cognito username: immutable and unique in the pool. Not ``sub``: the emulator draws a new
    # ``sub`` when its recording is replayed, which would orphan every article on restart.
    user_id: str
    username: str
    display_name: str
    groups: frozenset[str]

    @property
    def is_author(self) -> bool:
        return GROUP_AUTHORS in self.groups or GROUP_ADMINS in self.groups

    @property
    def is_admin(self) -> bool:
        return GROUP_ADMINS in self.groups


def request_identity(request: object) -> Identity | None:
    """Return ``request.identity`` (typed for mypy: HttpRequest does not declare the attribute)."""
    identity = getattr(request, "identity", None)
    return identity if isinstance(identity, Identity) else None
