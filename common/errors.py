"""The one user-facing error: a message for people, and the HTTP status and code it answers with.

Every app's domain errors subclass ``UserError`` and say their own ``status`` and ``code`` once;
the API edge (``common.api.api_view``) and the pages read them instead of re-deciding per view.
Free of Django and AWS, so domain modules can import it.
"""

from __future__ import annotations

from collections.abc import Mapping


class UserError(Exception):
    """A problem the person or client can act on.

    ``message`` is for people; ``status`` and ``code`` are the API's answer; ``fields`` maps
    input fields to what is wrong with each (``field`` names the one field a subclass is about).
    """

    status = 400
    code = "bad_request"
    message = "Something went wrong."
    field: str | None = None

    def __init__(
        self,
        message: str | None = None,
        *,
        fields: Mapping[str, str] | None = None,
        code: str | None = None,
        status: int | None = None,
    ) -> None:
        self.message = message or type(self).message
        super().__init__(self.message)
        self.fields = dict(fields or {})
        if not self.fields and self.field:
            self.fields = {self.field: self.message}
        if code:
            self.code = code
        if status:
            self.status = status

    @property
    def page_status(self) -> int:
        """Return the status a page answers with when it shows this error on a form.

        A 401 asks for HTTP authentication (RFC 9110 needs ``WWW-Authenticate``), which a sign-in
        form is not: the page answers 400 and shows the message.
        """
        return 400 if self.status == 401 else self.status


# --- Generic answers, for edges that have no domain error of their own --------------------------
class ValidationFailed(UserError):
    status, code = 400, "invalid"
    message = "Some fields are wrong."


class Unauthorized(UserError):
    status, code = 401, "unauthorized"
    message = "Sign in: send an access token as 'Authorization: Bearer <token>'."


class Forbidden(UserError):
    status, code = 403, "forbidden"
    message = "You may not do this."


class NotFound(UserError):
    status, code = 404, "not_found"
    message = "There is nothing here."


class MethodNotAllowed(UserError):
    status, code = 405, "method_not_allowed"


class Conflict(UserError):
    status, code = 409, "conflict"


class PayloadTooLarge(UserError):
    status, code = 413, "payload_too_large"


class TooManyRequests(UserError):
    status, code = 429, "rate_limited"
    message = "Too many requests. Try again in a minute."


class ServiceUnavailable(UserError):
    status, code = 503, "unavailable"
    message = "The service is busy or unreachable right now: try again in a moment."
