from .related import RelatedError, register  # noqa: F401
