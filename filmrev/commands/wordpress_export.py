"""``export --format wordpress``: choosing the reviews, the site address and the author."""

from __future__ import annotations

import getpass
from collections.abc import Sequence

from filmrev.errors import FilmrevError, ValidationError
from filmrev.model import Review, parse_optional_url, parse_year


def default_author() -> str:
    """``config set author`` when the config module exists and has one, else the login name."""
    import importlib
    import importlib.util

    if importlib.util.find_spec("filmrev.config") is not None:
        config = importlib.import_module("filmrev.config")
        for getter in ("get_value", "get"):
            function = getattr(config, getter, None)
            if callable(function):
                try:
                    value = function("author")
                except (FilmrevError, KeyError, TypeError, ValueError, OSError):
                    value = None
                if isinstance(value, str) and value.strip():
                    return value.strip()
                break
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "filmrev"


def export_wordpress(
    reviews: Sequence[Review],
    *,
    site_url: str | None,
    author: str | None,
    tags: Sequence[str],
    year: str | None,
    status: str | None,
) -> str:
    """The WXR text for the reviews that pass the filters (the filters of ``list``)."""
    from filmrev.exporters.wordpress import site_from_urls, wordpress_wxr
    from filmrev.query import filter_reviews

    chosen = filter_reviews(reviews, tags=tags, year=parse_year(year) if year else None)
    if status is not None:
        chosen = [review for review in chosen if review.status == status]
    if site_url is not None:
        site = parse_optional_url(site_url, "--site-url")
    else:
        site = site_from_urls(chosen or reviews)
        if site is None:
            raise ValidationError(
                "no review has a url to take the blog's address from; give --site-url URL"
            )
    name = (author or "").strip() or default_author()
    return wordpress_wxr(chosen, site_url=site or "", author=name)
