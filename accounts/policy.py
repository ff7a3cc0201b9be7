"""The account rules, once: the password policy and the limits of every account field.

Used by the user pool (``cloud.local.bootstrap`` and ``infra/identity.py``), the account forms, the
token API and its OpenAPI document. Free of Django and AWS, so infra/ can import it.
"""

from __future__ import annotations

import re

# --- Password policy (the user pool enforces it; the forms say it first) ------------------------
PASSWORD_MIN_LENGTH = 8  # NIST SP 800-63B's floor for a chosen password
PASSWORD_MAX_LENGTH = 256  # Cognito's limit
PASSWORD_REQUIRES_LOWERCASE = True
PASSWORD_REQUIRES_DIGITS = True
PASSWORD_REQUIRES_UPPERCASE = False  # composition rules beyond these annoy more than they protect
PASSWORD_REQUIRES_SYMBOLS = False
PASSWORD_HELP = f"At least {PASSWORD_MIN_LENGTH} characters, with a lowercase letter and a digit."
PASSWORD_POLICY_PROBLEM = (
    f"The password does not meet the policy: at least {PASSWORD_MIN_LENGTH} characters, "
    "a lowercase letter and a digit."
)

# --- Field limits -------------------------------------------------------------------------------
# New usernames: letters, digits and . _ - (readable in URLs and author pages; Cognito allows more).
USERNAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$"
USERNAME_MAX_LENGTH = 64
USERNAME_HELP = "3 to 64 characters: letters, digits, dots, dashes and underscores."
SIGN_IN_USERNAME_MAX_LENGTH = 128  # Cognito's own limit: an existing account may have any username
DISPLAY_NAME_MAX_LENGTH = 80  # fits a byline
EMAIL_MAX_LENGTH = 254  # RFC 5321's path limit
CODE_MAX_LENGTH = 64  # Cognito's codes are 6 digits; leave room, refuse essays


def cognito_password_policy() -> dict[str, int | bool]:
    """Return the policy as CreateUserPool's ``Policies.PasswordPolicy`` takes it."""
    return {
        "MinimumLength": PASSWORD_MIN_LENGTH,
        "RequireUppercase": PASSWORD_REQUIRES_UPPERCASE,
        "RequireLowercase": PASSWORD_REQUIRES_LOWERCASE,
        "RequireNumbers": PASSWORD_REQUIRES_DIGITS,
        "RequireSymbols": PASSWORD_REQUIRES_SYMBOLS,
    }


def password_problem(password: str) -> str | None:
    """Return what the password lacks under the pool's policy, or None."""
    if len(password) < PASSWORD_MIN_LENGTH:
        return f"Use at least {PASSWORD_MIN_LENGTH} characters."
    if len(password) > PASSWORD_MAX_LENGTH:
        return f"Use at most {PASSWORD_MAX_LENGTH} characters."
    if PASSWORD_REQUIRES_LOWERCASE and not re.search(r"[a-z]", password):
        return "Include a lowercase letter."
    if PASSWORD_REQUIRES_UPPERCASE and not re.search(r"[A-Z]", password):
        return "Include an uppercase letter."
    if PASSWORD_REQUIRES_DIGITS and not re.search(r"\d", password):
        return "Include a digit."
    if PASSWORD_REQUIRES_SYMBOLS and not re.search(r"[^A-Za-z0-9\s]", password):
        return "Include a symbol."
    return None
