from .typography import plain_title, register, typeset_html  # noqa: F401
