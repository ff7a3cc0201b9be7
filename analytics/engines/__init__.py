"""Query engines behind ``settings.ANALYTICS_ENGINE``: Athena in production, DuckDB locally."""
