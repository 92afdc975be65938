"""``tag add|remove|list|rename``."""

from __future__ import annotations

from typing import Annotated

import typer

from filmrev.commands.common import (
    TableOrJson,
    find_for_change,
    library_paths,
    note,
    settle_ref,
    stdout_console,
    tag_app,
    write_data,
)
from filmrev.completion import complete_ref, complete_tag


@tag_app.command("add", no_args_is_help=True)
def tag_add(
    ctx: typer.Context,
    ref: Annotated[
        str,
        typer.Argument(
            help="Id or slug.", metavar="REF", show_default=False, autocompletion=complete_ref
        ),
    ],
    tags: Annotated[
        list[str],
        typer.Argument(
            help="Tags to add.", metavar="TAG...", show_default=False, autocompletion=complete_tag
        ),
    ],
) -> None:
    """Add tags to a review (a tag may hold spaces, commas, apostrophes).

    Example: filmrev tag add rust-and-bone-2012 'You’ve Touched Me in a Good Way' Gritty
    """
    from filmrev.tagging import canonical_tags
    from filmrev.transaction import writing

    paths = library_paths(ctx)
    ref = settle_ref(paths, ref)  # any question before the lock
    with writing(paths) as library:
        review = find_for_change(library, ref)
        added = canonical_tags([*review.tags, *tags], library.tag_spellings())
        library.save(review.evolve(tags=added))


@tag_app.command("remove", no_args_is_help=True)
def tag_remove(
    ctx: typer.Context,
    ref: Annotated[
        str,
        typer.Argument(
            help="Id or slug.", metavar="REF", show_default=False, autocompletion=complete_ref
        ),
    ],
    tags: Annotated[
        list[str],
        typer.Argument(
            help="Tags to remove (any case or quote style).",
            metavar="TAG...",
            show_default=False,
            autocompletion=complete_tag,
        ),
    ],
) -> None:
    """Remove tags from a review; a tag it does not have is an error.

    Example: filmrev tag remove rust-and-bone-2012 'Gritty, Grittness'
    """
    from filmrev.errors import ValidationError
    from filmrev.folding import fold
    from filmrev.transaction import writing

    paths = library_paths(ctx)
    ref = settle_ref(paths, ref)  # any question before the lock
    with writing(paths) as library:
        review = find_for_change(library, ref)
        have = {fold(tag) for tag in review.tags}
        missing = [tag for tag in tags if fold(tag) not in have]
        if missing:
            raise ValidationError(f"{review.slug} has no tag {missing[0]!r}")
        removed = {fold(tag) for tag in tags}
        library.save(review.evolve(tags=[t for t in review.tags if fold(t) not in removed]))


@tag_app.command("list")
def tag_list(
    ctx: typer.Context,
    output_format: Annotated[
        TableOrJson, typer.Option("--format", "-f", help="Output format.")
    ] = TableOrJson.table,
) -> None:
    """List tags with how many reviews carry each, most used first.

    Example: filmrev tag list --format json
    """
    from filmrev.index import load_summaries  # tags only: no bodies needed
    from filmrev.tagging import tag_counts

    counts = tag_counts(load_summaries(library_paths(ctx)))
    if output_format is TableOrJson.json:
        from filmrev.exporters.json_export import dumps

        write_data(dumps([{"tag": tag, "count": count} for tag, count in counts]))
    elif not counts:
        note("no tags")
    else:
        from filmrev.render import counts_table

        stdout_console().print(counts_table(counts, "Tag"))


@tag_app.command("rename", no_args_is_help=True)
def tag_rename(
    ctx: typer.Context,
    old: Annotated[
        str, typer.Argument(help="The tag now (any case).", metavar="OLD", show_default=False)
    ],
    new: Annotated[
        str,
        typer.Argument(
            help="The new name; merges if it exists.", metavar="NEW", show_default=False
        ),
    ],
) -> None:
    """Rename a tag on every review; when NEW exists already, the two merge.

    Example: filmrev tag rename 'gritty' 'Gritty, Grittness'
    """
    from filmrev.backups import backup_before
    from filmrev.tagging import has_tag, rename_tag
    from filmrev.transaction import writing

    with writing(library_paths(ctx)) as library:
        tagged = library.summaries_where("tags", has_tag(old))  # bodies stay as stored
        changed = rename_tag(tagged, old, new)
        if changed:
            backup_before(library, "tag-rename")
            for review in changed:
                library.save(review)
    note(f"renamed {old!r} to {new.strip()!r} on {len(changed)} review(s)")
