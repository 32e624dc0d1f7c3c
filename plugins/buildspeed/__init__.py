from .buildspeed import register  # noqa: F401
