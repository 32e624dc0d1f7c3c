from .media import register  # noqa: F401
