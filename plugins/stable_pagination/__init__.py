from .stable_pagination import register  # noqa: F401
