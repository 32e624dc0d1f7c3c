from .search import encode_stroke_d, register, search_document  # noqa: F401
