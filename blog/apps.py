from django.apps import AppConfig


class BlogConfig(AppConfig):
    name = "blog"
    verbose_name = "Blog (articles and likes)"

    def ready(self) -> None:
        from blog import checks  # noqa: F401  (registers the system checks)
