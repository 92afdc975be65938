"""The rules of an edit by flags (``filmrev edit REF --rating 5 --tag X``), without the CLI.

Scalar fields are replaced, list fields grow (tags, cast, links, crew), ``clear`` empties
fields; the slug does not follow a title change; a new tag takes the library's spelling
of it; emptying a text keeps a backup to get it back from::

    with writing(paths) as library:
        review = library.find_exact("amour-2012")
        apply_edit(library, review, FieldEdit(fields={"rating": "5"}, add_tags=["Haneke"]))
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from filmrev.errors import ValidationError

if TYPE_CHECKING:
    from filmrev.model import Review
    from filmrev.store import Library


@dataclass(frozen=True)
class FieldEdit:
    """What to change on one review. Values are as given (strings are validated by the model).

    ``position`` is the new rank (None: unranked) when ``position_given``; clearing
    ``rank`` unranks the film.
    """

    fields: Mapping[str, Any] = field(default_factory=dict)
    clear: Sequence[str] = ()
    title: str | None = None
    slug: str | None = None
    add_tags: Sequence[str] = ()
    remove_tags: Sequence[str] = ()
    add_cast: Sequence[str] = ()
    add_links: Sequence[str] = ()
    add_crew: Sequence[tuple[str, str]] = ()
    position: int | None = None
    position_given: bool = False


def library_tags(library: Library, tags: Any) -> Any:
    """``tags`` as the library already spells them (``You've`` → ``You’ve``), when a list."""
    from filmrev.tagging import canonical_tags

    if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
        return tags  # the model rejects it with its own message
    return canonical_tags(tags, library.tag_spellings())


def apply_edit(library: Library, review: Review, edit: FieldEdit) -> None:
    """Save ``review`` changed by ``edit`` in the open (locked) ``library``."""
    from filmrev.model import empty_value, merge_crew, parse_crew, parse_title

    position_given, position = edit.position_given, edit.position
    doc = review.to_doc()
    for field_name in edit.clear:
        doc[field_name] = empty_value(field_name.strip())
        if field_name.strip() == "rank":
            position_given, position = True, None
    doc.update(edit.fields)
    if edit.title is not None:
        doc["title"] = parse_title(edit.title)
    if edit.slug is not None:
        from filmrev.model import WINDOWS_DEVICE_NAMES

        if edit.slug in WINDOWS_DEVICE_NAMES and edit.slug != review.slug:
            raise ValidationError(f"slug {edit.slug!r} is reserved (a Windows device name)")
        doc["slug"] = edit.slug
    if edit.add_tags:
        doc["tags"] = [*doc["tags"], *edit.add_tags]
    if edit.remove_tags:
        from filmrev.folding import fold

        removed = {fold(name) for name in edit.remove_tags}
        doc["tags"] = [name for name in doc["tags"] if fold(name) not in removed]
    if doc["tags"] != list(review.tags):
        doc["tags"] = library_tags(library, doc["tags"])
    if edit.add_cast:
        doc["cast"] = [*doc["cast"], *edit.add_cast]
    if edit.add_links:
        doc["links"] = [*doc["links"], *edit.add_links]
    if edit.add_crew:
        doc["crew"] = merge_crew(parse_crew(doc["crew"]), edit.add_crew)
    doc["rank"] = review.rank
    if review.body.strip() and not str(doc["body"] or "").strip():  # emptied: keep a way back
        from filmrev.backups import backup_before_body_loss

        backup_before_body_loss(library, review, "before-clear-body")
    library.save(review.evolve(**doc))
    if position_given:
        library.set_rank(review.id, position)
