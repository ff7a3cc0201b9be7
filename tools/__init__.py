"""Developer tools that never go to Lambda (excluded in zappa_settings.json)."""
