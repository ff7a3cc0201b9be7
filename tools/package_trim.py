"""What ``make package`` deletes from the unpacked zip because production never loads it, and why.

Each rule is a glob under the package's root with the reason it is safe. Pycs go with their
sources (the build compiles after trimming). tests/deploy/test_package.py checks that every rule
matched something (a rule that matches nothing has gone stale) and exercises what the rules leave:
a page with an article (Markdown, code highlighting, dates), every accepted image format through
the renditions, every boto3 client, Django's deploy checks.

Kept on purpose: cryptography (4.9 MB zipped; PyJWT verifies Cognito's RS256 tokens with it, and
the alternatives are pure-Python RSA that is far less scrutinised), every Pygments lexer (authors
choose the language of a code fence), sqlglot's dialects (loaded lazily), botocore's JSON next to
its pre-parsed copy (pyathena and django-storages build clients through botocore's own loader).
"""

from __future__ import annotations

import shutil
from pathlib import Path

UNUSED_IN_PRODUCTION: tuple[tuple[str, str], ...] = (
    # Pillow: 3.6 MB zipped of codecs the site never opens or writes.
    ("PIL/_avif.*.so", "AVIF: uploads accept JPEG, PNG, WebP, GIF (uploads.renditions.ACCEPTED_FORMATS)"),
    ("pillow.libs/libavif-*", "AVIF's codec library (2.1 MB), loaded only by PIL/_avif"),
    ("PIL/_imagingft.*.so", "FreeType text rendering (ImageFont): nothing draws text"),
    ("pillow.libs/libfreetype-*", "loaded only by PIL/_imagingft"),
    ("pillow.libs/libharfbuzz-*", "loaded only by PIL/_imagingft and libfreetype"),
    ("pillow.libs/libbrotli*", "loaded only by libfreetype (WOFF2 fonts)"),
    ("pillow.libs/libpng16-*", "loaded only by libfreetype (Pillow's PNG codec is its own, on zlib)"),
    ("PIL/_imagingtk.*.so", "Tk: no GUI on Lambda"),
    # Django: the database backends and locales a database-less, English-only site never loads.
    ("django/db/backends/mysql", "DATABASES is empty (content is in DynamoDB): only the dummy backend loads"),
    ("django/db/backends/oracle", "as above"),
    ("django/db/backends/postgresql", "as above"),
    ("django/db/backends/sqlite3", "as above"),
    ("django/conf/locale/[!_e]*", "USE_I18N is off, LANGUAGE_CODE is en: only locale/en/formats.py is read"),
    ("django/conf/locale/e[!n]*", "as above (eo, es, es_AR, ..., et, eu)"),
    ("django/conf/locale/en_*", "as above (en_AU, en_GB, en_IE)"),
    # Zappa's command-line side: the handler imports handler, wsgi, asgi, middleware, utilities, ext.
    ("zappa/cli.py", "the zappa command, run on the deployer's machine"),
    ("zappa/core.py", "the deployer's AWS calls (API Gateway, IAM, S3), imported by the CLI only"),
    ("zappa/letsencrypt.py", "certificates, CLI only"),
    ("zappa/policies", "IAM policy templates for the CLI (manage_roles is false anyway)"),
    ("requests", "Zappa's CLI only (zappa.utilities, inside its PyPI version check); boto3 uses urllib3"),
    ("requests-*.dist-info", "as above"),
    ("charset_normalizer", "used by requests only"),
    ("charset_normalizer-*.dist-info", "as above"),
    # Files no import reads.
    ("fsspec/tests", "a library's own tests"),
    ("certifi/tests", "a library's own tests"),
    ("**/*.pyi", "type stubs"),
    ("*.dist-info/RECORD", "installed-file lists for pip uninstall; version lookups read METADATA"),
)


def trim_unused(task: Path, rules: tuple[tuple[str, str], ...] = UNUSED_IN_PRODUCTION) -> dict[str, int]:
    """Delete what each rule matches under ``task``; return the bytes deleted per rule.

    Returns 0 for a rule that matched nothing: the caller decides whether a stale rule is an error.
    """
    deleted: dict[str, int] = {}
    for pattern, _reason in rules:
        size = 0
        for path in sorted(task.glob(pattern)):
            if path.is_dir():
                size += sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
                shutil.rmtree(path)
            elif path.exists():
                size += path.stat().st_size
                path.unlink()
        deleted[pattern] = size
    return deleted
