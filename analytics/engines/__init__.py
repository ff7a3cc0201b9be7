"""Query engines behind ``settings.ANALYTICS_ENGINE``: Athena in production, DuckDB locally."""

# The values settings.ANALYTICS_ENGINE may take (checked at start-up by analytics.checks).
ENGINES = ("duckdb", "athena")
