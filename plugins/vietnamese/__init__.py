from .vietnamese import (  # noqa: F401
    collation_key,
    fold,
    register,
    slugify,
    vi_date,
    vi_datetime,
    vi_month,
    vi_weekday_date,
)
