"""The SQL console's gate: exactly one SELECT, read with Athena's dialect, with a row limit.

Pure functions. Anything else (INSERT, DROP, CREATE TABLE AS, UNLOAD, several statements, text
sqlglot cannot parse) is refused with a message a person can act on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from common.errors import UserError

if TYPE_CHECKING:
    from sqlglot import exp

# sqlglot is imported where it is used (~0.3 s to import: not on every Lambda cold start).

CONSOLE_MAX_ROWS = 1000  # a page's table, and a bound on what Athena writes to the results bucket
CONSOLE_MAX_CHARS = 20_000  # Athena accepts 256 KB; a console query longer than this is a mistake


class QueryRefused(UserError, ValueError):
    """The console will not run this text; the message says why."""

    status, code, field = 400, "query_refused", "sql"


def console_query(sql: str, *, max_rows: int = CONSOLE_MAX_ROWS) -> str:
    """Return ``sql`` as one SELECT (Athena dialect) capped at ``max_rows`` rows.

    Raise ``QueryRefused`` for anything else.
    """
    import sqlglot
    from sqlglot import exp
    from sqlglot.errors import ParseError, TokenError

    text = sql.strip()
    if not text:
        raise QueryRefused("Write a SELECT query.")
    if len(text) > CONSOLE_MAX_CHARS:
        raise QueryRefused(f"The query is longer than {CONSOLE_MAX_CHARS} characters.")
    if text.split(None, 1)[0].upper() == "UNLOAD":
        # sqlglot reads UNLOAD as an opaque command; say plainly why it is refused.
        raise QueryRefused("Only SELECT queries run here: UNLOAD writes files to S3.")
    try:
        statements = [s for s in sqlglot.parse(text, read="athena") if s is not None]
    except (ParseError, TokenError) as error:
        raise QueryRefused(f"The query could not be read as Athena SQL: {_first_line(error)}") from None
    if len(statements) != 1:
        raise QueryRefused(f"Write exactly one statement (found {len(statements)}).")
    tree = statements[0]
    if not isinstance(tree, exp.Query):
        kind = tree.key.upper() if not isinstance(tree, exp.Command) else str(tree.this).upper()
        raise QueryRefused(f"Only SELECT queries run here, not {kind}.")
    writes = (exp.Insert, exp.Delete, exp.Update, exp.Drop, exp.Create, exp.Merge, exp.Alter, exp.Command)
    forbidden = next((node for node in tree.walk() if isinstance(node, writes)), None)
    if forbidden is not None:
        raise QueryRefused(f"Only SELECT queries run here: the query contains {forbidden.key.upper()}.")
    return _limited(tree, max_rows).sql(dialect="athena")


def _limited(tree: exp.Query, max_rows: int) -> exp.Query:
    """Add ``LIMIT max_rows`` or lower a larger limit (wrapping keeps ORDER BY and set operations intact)."""
    from sqlglot import exp

    limit = tree.args.get("limit")
    if isinstance(tree, exp.Select) and limit is None and tree.args.get("fetch") is None:
        return tree.limit(max_rows)
    if isinstance(limit, exp.Limit) and isinstance(limit.expression, exp.Literal):
        if limit.expression.is_string or not limit.expression.name.isdigit():
            raise QueryRefused(
                f"LIMIT takes a whole number of rows, not {limit.expression.sql(dialect='athena')}."
            )
        if int(limit.expression.name) <= max_rows:
            return tree
        return tree.limit(max_rows)
    return exp.select("*").from_(tree.subquery("q")).limit(max_rows)


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else "syntax error"
