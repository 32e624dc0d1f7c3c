from .search import encode_d, register, search_document  # noqa: F401
