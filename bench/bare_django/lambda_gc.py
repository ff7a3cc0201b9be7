"""The bare project's entry point with the blog's collector setting (common/coldstart.py): Zappa's
handler, imported and first called while the collector runs rarely, as cloud/lambda_handlers.py does.

Against it, ``python -m bench coldstart`` shows what the blog's own work costs, the collector's
setting alike.
"""

from common import coldstart

coldstart.collect_rarely()

from zappa.handler import lambda_handler as zappa_handler  # noqa: E402

lambda_handler = coldstart.ends_start_up(zappa_handler)
