from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo generator as an app of its own, so its ``demo`` command sits beside it and
    ``sqms.core`` never imports ``sqms.demo`` (the dependency points from demo to the apps)."""

    name = "sqms.demo"
    label = "demo"
