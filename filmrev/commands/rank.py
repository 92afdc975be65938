"""``rank``: the all-time ranked list and the commands that change it.

Ranks are exactly 1..K (see :mod:`filmrev.ranking`, which does the logic); these commands
parse, resolve references, ask the questions of ``rank place`` and print.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from filmrev.commands.common import (
    TableOrJson,
    app,
    find,
    find_for_change,
    library_paths,
    load_library,
    note,
    settle_ref,
    stderr_console,
    stdin_is_tty,
    stdout_console,
    usage_error,
    write_data,
)
from filmrev.comparisons import answer_weight, comparison_docs, stored_comparisons
from filmrev.completion import complete_ref
from filmrev.errors import Cancelled, ChecksFailed, FilmrevError, ValidationError
from filmrev.terminal import clean, rating_label

if TYPE_CHECKING:
    from filmrev.model import Review
    from filmrev.ranking import Comparison, ComparisonLike, Problem
    from filmrev.store import Library

rank_app = typer.Typer(
    rich_markup_mode=None,
    help=(
        "The all-time ranked list (ranks are always exactly 1..K).\n\n"
        "Bare `filmrev rank` means `filmrev rank list`.\n\n"
        "Example: filmrev rank --year 2012 --limit 10 --format markdown"
    ),
    invoke_without_command=True,
)
app.add_typer(rank_app, name="rank")


class RankFormat(str, Enum):
    table = "table"
    json = "json"
    markdown = "markdown"


TagFilter = Annotated[
    list[str] | None,
    typer.Option("--tag", "-t", help="Only films with this tag (repeat: all of them)."),
]
YearFilter = Annotated[
    str | None, typer.Option("--year", "-y", help="Only films released this year.")
]
LimitOption = Annotated[int | None, typer.Option("--limit", "-n", min=0, help="At most N films.")]
FormatOption = Annotated[RankFormat, typer.Option("--format", "-f", help="Output format.")]
DataFormatOption = Annotated[TableOrJson, typer.Option("--format", "-f", help="Output format.")]
RefArgument = Annotated[
    str,
    typer.Argument(
        help="Id or slug.", metavar="REF", show_default=False, autocompletion=complete_ref
    ),
]


def label(review: Review) -> str:
    """``#3 Rust and Bone (2012)`` for talk on the terminal (cleaned)."""
    rank = f"#{review.rank} " if review.rank is not None else ""
    return rank + clean(review.display_title)


# --- rank / rank list -----------------------------------------------------------------------


def print_ranked(
    ctx: typer.Context,
    tag: list[str] | None,
    year: str | None,
    limit: int | None,
    output_format: RankFormat,
) -> None:
    """The ranked list, or the ranked films within a filter numbered 1..n by ``position``.

    Filtered output keeps each film's global ``rank`` and adds its ``position`` in the
    filtered list; filtered Markdown is only the numbered list, so it pastes anywhere.
    """
    from filmrev.model import parse_year
    from filmrev.query import filter_reviews, sort_reviews

    paths = library_paths(ctx)
    if output_format is RankFormat.json:  # the review objects carry bodies
        pool = list(load_library(paths).iter_reviews())
    else:
        from filmrev.index import ranked_summaries  # no bodies needed: the index is enough

        pool = ranked_summaries(paths)
    ranked = sort_reviews([r for r in pool if r.rank is not None], "rank")
    filtered = bool(tag) or year is not None
    if filtered:
        ranked = filter_reviews(ranked, tags=tag or [], year=parse_year(year))
    if limit is not None:
        ranked = ranked[:limit]
    if not ranked:
        note(
            "no ranked films"
            + (" match" if filtered else "; rank one with `filmrev rank place REF`")
        )
    if output_format is RankFormat.json:
        from filmrev.exporters.json_export import dumps

        write_data(dumps([{**r.to_doc(), "position": n} for n, r in enumerate(ranked, 1)]))
    elif output_format is RankFormat.markdown:
        from filmrev.exporters.markdown import ranked_list

        if ranked:
            heading = "" if filtered else "## My all-time ranking\n\n"
            write_data(heading + ranked_list(ranked))
    elif ranked:
        from filmrev.render import reviews_table

        positions = list(range(1, len(ranked) + 1)) if filtered else None
        console = stdout_console()
        console.print(reviews_table(ranked, positions=positions, width=console.width))


@rank_app.callback()
def rank_root(
    ctx: typer.Context,
    tag: TagFilter = None,
    year: YearFilter = None,
    limit: LimitOption = None,
    output_format: FormatOption = RankFormat.table,
) -> None:
    """The all-time ranked list (ranks are always exactly 1..K).

    Example: filmrev rank --year 2012 --limit 10 --format markdown
    """
    if ctx.invoked_subcommand is None:
        print_ranked(ctx, tag, year, limit, output_format)
        return
    if tag or year is not None or limit is not None or output_format is not RankFormat.table:
        usage_error(
            f"--tag, --year, --limit and --format go after the subcommand "
            f"(`filmrev rank {ctx.invoked_subcommand} ...`), or use bare `filmrev rank`"
        )


@rank_app.command("list")
def rank_list(
    ctx: typer.Context,
    tag: TagFilter = None,
    year: YearFilter = None,
    limit: LimitOption = None,
    output_format: FormatOption = RankFormat.table,
) -> None:
    """Show the ranked list; with --tag/--year, the films within it numbered 1..n.

    Example: filmrev rank list --tag 'Gritty, Grittness' --format markdown
    """
    print_ranked(ctx, tag, year, limit, output_format)


# --- rank set / clear / move ------------------------------------------------------------------


def _report_move(before: Review, after: Review | None) -> None:
    """Say on stderr where a film went."""
    title = clean(before.display_title)
    if after is None or after.rank is None:
        note(f"{title} is not ranked" + (f" (was #{before.rank})" if before.rank else ""))
    elif before.rank is None:
        note(f"ranked {title} at #{after.rank}")
    elif before.rank == after.rank:
        note(f"{title} stays at #{after.rank}")
    else:
        note(f"moved {title} from #{before.rank} to #{after.rank}")


def _apply_order(library: Library, review: Review, order: list[int]) -> None:
    """Save a new order (one write); nothing is written when the order did not change."""
    if order != library.ranked_order():
        library.set_order(order, touched=[review.id])


@rank_app.command("set", no_args_is_help=True)
def rank_set(
    ctx: typer.Context,
    ref: RefArgument,
    position: Annotated[
        str, typer.Argument(help="1..K (K+1 for a film not yet ranked).", metavar="POS")
    ],
) -> None:
    """Put a film at POS; the films from POS down shift by one.

    Example: filmrev rank set rust-and-bone-2012 3
    """
    from filmrev import ranking
    from filmrev.model import parse_rank
    from filmrev.transaction import writing

    paths = library_paths(ctx)
    ref = settle_ref(paths, ref)  # any question before the lock
    with writing(paths) as library:
        review = find_for_change(library, ref)
        wanted = parse_rank(position)
        if wanted is None:
            raise ValidationError("POS must be a whole number ≥ 1; use `rank clear` to unrank")
        _apply_order(library, review, ranking.insert_at(library.ranked_order(), review.id, wanted))
        after = library.get(review.id)
    _report_move(review, after)


@rank_app.command("clear", no_args_is_help=True)
def rank_clear(ctx: typer.Context, ref: RefArgument) -> None:
    """Unrank a film; the films below it move up.

    Example: filmrev rank clear rust-and-bone-2012
    """
    from filmrev import ranking
    from filmrev.transaction import writing

    paths = library_paths(ctx)
    ref = settle_ref(paths, ref)  # any question before the lock
    with writing(paths) as library:
        review = find_for_change(library, ref)
        _apply_order(library, review, ranking.remove(library.ranked_order(), review.id))
    _report_move(review, None)


def _steps(value: str, option: str) -> int:
    """A number of places for --up/--down: a whole number ≥ 1 (else exit 1)."""
    text = value.strip()
    if not text.isdigit() or int(text) < 1:
        raise ValidationError(f"{option} must be a whole number ≥ 1 (got {value!r})")
    return int(text)


def _ranked(review: Review) -> Review:
    """``review`` if it is ranked, else a ValidationError saying how to rank it."""
    if review.rank is None:
        raise ValidationError(
            f"{review.slug} is not ranked; rank it with `filmrev rank place {review.slug}` "
            f"or `filmrev rank set {review.slug} POS`"
        )
    return review


@rank_app.command("move", no_args_is_help=True)
def rank_move(
    ctx: typer.Context,
    ref: RefArgument,
    above: Annotated[
        str | None,
        typer.Option(
            "--above",
            help="Put it just above this film (id or slug).",
            metavar="OTHER",
            autocompletion=complete_ref,
        ),
    ] = None,
    below: Annotated[
        str | None,
        typer.Option(
            "--below",
            help="Put it just below this film (id or slug).",
            metavar="OTHER",
            autocompletion=complete_ref,
        ),
    ] = None,
    to: Annotated[
        str | None, typer.Option("--to", help="Put it at rank POS (1..K).", metavar="POS")
    ] = None,
    up: Annotated[
        str | None,
        typer.Option("--up", help="Move it up N places (stops at #1).", metavar="N"),
    ] = None,
    down: Annotated[
        str | None,
        typer.Option("--down", help="Move it down N places (stops at the bottom).", metavar="N"),
    ] = None,
) -> None:
    """Move a ranked film; give exactly one of --above, --below, --to, --up, --down.

    The films in between shift by one; ranks stay 1..K. --up and --down stop at the ends.

    Example: filmrev rank move rust-and-bone-2012 --above amour-2012
    """
    from filmrev import ranking
    from filmrev.model import parse_rank
    from filmrev.transaction import writing

    given = {"--above": above, "--below": below, "--to": to, "--up": up, "--down": down}
    chosen = [name for name, value in given.items() if value is not None]
    if len(chosen) != 1:
        got = f" (got {', '.join(chosen)})" if chosen else ""
        usage_error(f"give exactly one of --above, --below, --to, --up or --down{got}")
    paths = library_paths(ctx)
    ref = settle_ref(paths, ref)  # any question before the lock
    other_ref = above if above is not None else below
    if other_ref is not None:
        other_ref = settle_ref(paths, other_ref)
    with writing(paths) as library:
        review = _ranked(find_for_change(library, ref))
        options: dict[str, int | None] = {}
        if other_ref is not None:
            other = _ranked(find_for_change(library, other_ref))
            if other.id == review.id:
                raise ValidationError(f"cannot move {review.slug} relative to itself")
            options["above" if above is not None else "below"] = other.id
        elif to is not None:
            options["to"] = parse_rank(to)
            if options["to"] is None:
                raise ValidationError("--to must be a whole number ≥ 1")
        elif up is not None:
            options["up"] = _steps(up, "--up")
        else:
            options["down"] = _steps(down or "", "--down")
        order = ranking.move(library.ranked_order(), review.id, **options)
        _apply_order(library, review, order)
        after = library.get(review.id)
    _report_move(review, after)


# --- rank place -------------------------------------------------------------------------------


@rank_app.command("place", no_args_is_help=True)
def rank_place(
    ctx: typer.Context,
    ref: RefArgument,
    again: Annotated[
        bool,
        typer.Option(
            "--again",
            help="Re-place after a rewatch: older answers about the film count a quarter.",
        ),
    ] = False,
    forget_old: Annotated[
        bool,
        typer.Option("--forget-old", help="Like --again, but drop the older answers instead."),
    ] = False,
) -> None:
    """Rank a film by answering "which is better?" (about log2(K) questions among K films).

    Each question (on stderr) shows the film being placed as 1 and a ranked film as 2.

    The first questions are about the films rated within ±0.5★ of it; if it beats (or loses
    to) all of them, the questions gallop further up (or down) the list.

    Answers: 1/a film 1 is better · 2/b film 2 is better · = same (goes just below) ·
    s skip (too hard to call: asks about another film, records nothing) · u undo.

    q quits with nothing changed; so do end of input and an unknown answer without a terminal.

    Without a terminal, answers are read from stdin, one per line; extra lines are ignored.

    A film already ranked is placed again. Every answer is kept (see `rank history`); after a
    rewatch, --again keeps the older answers about the film at a quarter of their weight in
    `rank refine` and `rank score` (`rank place --again amour-2012`); --forget-old drops them.

    Example: printf '1\\ns\\n2\\n1\\n' | filmrev rank place rust-and-bone-2012
    """
    from filmrev import ranking
    from filmrev.commands.placing import Questions, confirm_placement
    from filmrev.store import refuse_if_broken
    from filmrev.transaction import writing

    paths = library_paths(ctx)
    # The questions can take minutes: ask them without the lock (which would block other
    # writers past their timeout), then re-check the order under the lock before saving.
    library = load_library(paths)
    refuse_if_broken(library)  # before any question: the write would be refused anyway
    review = find_for_change(library, ref)
    order = library.ranked_order()
    others = ranking.remove(order, review.id)
    ratings = {film.id: film.rating for film in library.reviews()}
    window = ranking.rating_window(others, ratings, review.rating)
    console = stderr_console()
    interactive = stdin_is_tty()
    total = ranking.max_questions(len(others), window)
    replay: list[str] = []
    while True:
        questions = Questions(library, console, interactive=interactive, total=total, replay=replay)
        placement = ranking.place(order, review.id, questions, ratings)
        if not interactive or not placement.comparisons:
            break
        choice = confirm_placement(console, review, placement)
        if choice == "save":
            break
        if choice == "q":
            raise Cancelled("placement quit; nothing changed")
        replay = questions.kept_answers()[:-1]
    with writing(paths) as locked:
        if locked.get(review.id) is None or locked.ranked_order() != order:
            raise FilmrevError(
                "the ranking changed while you were answering; nothing changed; "
                f"run `filmrev rank place {review.slug}` again"
            )
        older = 0
        if again or forget_old:
            kept, older = _weigh_down(locked.comparisons(), review.id, forget_old)
            if older:
                locked.replace_comparisons(kept)
        if placement.comparisons or placement.order != order:  # else nothing to write
            locked.add_comparisons(comparison_docs(placement.comparisons))
            locked.set_order(placement.order, touched=[review.id])
    where = f"#{placement.position} of {len(placement.order)}"
    title = clean(review.display_title)
    if older:
        answers = f"{older} older answer{'s' if older != 1 else ''} about {title}"
        note(f"dropped {answers}" if forget_old else f"weighed down {answers} (rewatch)")
    if review.rank is None:
        note(f"placed {title} at {where}")
    elif review.rank == placement.position:
        note(f"{title} stays at {where}")
    else:
        note(f"moved {title} from #{review.rank} to {where}")


def _weigh_down(
    docs: Sequence[Mapping[str, Any]], review_id: int, forget: bool
) -> tuple[list[dict[str, Any]], int]:
    """The stored comparisons with those about ``review_id`` weighed down (or dropped).

    Returns the new list and how many answers were about the film.
    """
    from filmrev.ranking import AGAIN_WEIGHT

    kept: list[dict[str, Any]] = []
    about = 0
    for doc in docs:
        if review_id not in (doc.get("winner"), doc.get("loser")):
            kept.append(dict(doc))
            continue
        about += 1
        if not forget:
            kept.append({**doc, "weight": round(answer_weight(doc) * AGAIN_WEIGHT, 6)})
    return kept, about


# --- rank check -------------------------------------------------------------------------------


def film_json(review: Review) -> dict[str, Any]:
    """The few fields that name a film in ``rank check``/``rank history`` JSON."""
    return {
        "id": review.id,
        "slug": review.slug,
        "title": review.title,
        "year": review.year,
        "rank": review.rank,
        "rating": review.rating,
    }


def _with_rating(review: Review) -> str:
    return f"{label(review)} {rating_label(review.rating)}"


def _problem_line(problem: Problem, films: Mapping[int, Review], at: str | None) -> str:
    higher, lower = films[problem.higher], films[problem.lower]
    if problem.kind == "rating":
        return f"{_with_rating(higher)} is ranked above {_with_rating(lower)}"
    when = f" on {clean(at)[:10]}" if at else ""
    return (
        f"{label(higher)} is ranked above {label(lower)}, but{when} you judged "
        f"{clean(lower.display_title)} better"
    )


@rank_app.command("check")
def rank_check(ctx: typer.Context, output_format: DataFormatOption = TableOrJson.table) -> None:
    """Find where the ranking contradicts ratings or your stored answers (exit 3 if any).

    Reports each film ranked below a film rated lower (the nearest such film).

    Reports each pair whose latest answer says the lower-ranked film is better.

    Reports preference cycles in your latest answers (A > B > C > A), with the answers
    that form them: no order can agree with all of them; `rank place` one of the films
    again, or let `rank refine` weigh them. Answers from before a rewatch (`rank place
    --again`) are left out.

    Exit 0 when the ranking is consistent, 3 when it found something.

    Example: filmrev rank check || echo 'ranking needs work'
    """
    from filmrev import ranking

    library = load_library(library_paths(ctx))
    films = {review.id: review for review in library.summaries()}
    stored = [
        (c, at) for c, at in stored_comparisons(library) if c.winner in films and c.loser in films
    ]
    # An answer weighed down by `rank place --again` was given before a rewatch: it still
    # counts (a little) in the fit, but it no longer contradicts anything.
    current = [(c, at) for c, at in stored if c.weight >= 1.0]
    problems = ranking.check(
        library.ranked_order(),
        {review_id: review.rating for review_id, review in films.items()},
        [comparison for comparison, _ in current],
    )
    times = {id(comparison): at for comparison, at in current}
    found_cycles = ranking.cycles([comparison for comparison, _ in current])
    latest: dict[frozenset[int], tuple[Comparison, str | None]] = {}
    for comparison, at in current:
        latest[frozenset((comparison.winner, comparison.loser))] = (comparison, at)
    if output_format is TableOrJson.json:
        from filmrev.exporters.json_export import dumps

        entries: list[dict[str, Any]] = []
        for problem in problems:
            entry: dict[str, Any] = {
                "kind": problem.kind,
                "higher": film_json(films[problem.higher]),
                "lower": film_json(films[problem.lower]),
            }
            if problem.kind == "comparison":
                comparison, at = latest[frozenset((problem.higher, problem.lower))]
                entry["comparison"] = _answer_json(comparison, at)
            entries.append(entry)
        for cycle in found_cycles:
            entries.append(
                {
                    "kind": "cycle",
                    "films": [film_json(films[answer.winner]) for answer in cycle],
                    "comparisons": [_answer_json(a, times.get(id(a))) for a in cycle],
                }
            )
        write_data(dumps(entries))
    else:
        for problem in problems:
            at = None
            if problem.kind == "comparison":
                at = latest[frozenset((problem.higher, problem.lower))][1]
            print(_problem_line(problem, films, at))
        for cycle in found_cycles:
            print(_cycle_line(cycle, films, times))
        sys.stdout.flush()
    if problems or found_cycles:
        by_rating = sum(1 for problem in problems if problem.kind == "rating")
        by_answer = len(problems) - by_rating
        count = len(problems) + len(found_cycles)
        cycles_part = ""
        if found_cycles:
            plural = "s" if len(found_cycles) != 1 else ""
            cycles_part = f", {len(found_cycles)} preference cycle{plural}"
        raise ChecksFailed(
            f"rank check found {count} problem{'s' if count != 1 else ''} "
            f"({by_rating} rank/rating, {by_answer} with a stored answer{cycles_part})"
        )
    note(
        f"ranking is consistent ({len(library.ranked_order())} ranked films, "
        f"{len(stored)} comparisons)"
    )


def _answer_json(comparison: ComparisonLike, at: str | None) -> dict[str, Any]:
    return {
        "winner": comparison.winner,
        "loser": comparison.loser,
        "tie": comparison.tie,
        "at": at,
    }


def _cycle_line(
    cycle: Sequence[ComparisonLike], films: Mapping[int, Review], times: Mapping[int, str | None]
) -> str:
    """``preference cycle: A > B > C > A (answers: A over B on 2026-01-02; ...)``."""
    names = [label(films[answer.winner]) for answer in cycle]
    answers = []
    for answer in cycle:
        at = times.get(id(answer))
        when = f" on {at[:10]}" if at else ""
        winner = clean(films[answer.winner].display_title)
        loser = clean(films[answer.loser].display_title)
        answers.append(f"{winner} over {loser}{when}")
    return f"preference cycle: {' > '.join([*names, names[0]])} (answers: {'; '.join(answers)})"


# --- rank history -----------------------------------------------------------------------------


@rank_app.command("history", no_args_is_help=True)
def rank_history(
    ctx: typer.Context,
    ref: Annotated[
        str,
        typer.Argument(
            help="Id, slug, or (part of) a title.",
            metavar="REF",
            show_default=False,
            autocompletion=complete_ref,
        ),
    ],
    output_format: DataFormatOption = TableOrJson.table,
) -> None:
    """The comparisons that placed a film, oldest first: when, against whom, and the result.

    Example: filmrev rank history rust-and-bone-2012
    """
    library = load_library(library_paths(ctx))
    review = find(library, ref)
    rows: list[tuple[str | None, int, str, float]] = []
    for comparison, at in stored_comparisons(library):
        if review.id not in (comparison.winner, comparison.loser):
            continue
        won = comparison.winner == review.id
        against = comparison.loser if won else comparison.winner
        result = "tie" if comparison.tie else "won" if won else "lost"
        rows.append((at, against, result, comparison.weight))
    if not rows:
        note(
            f"no comparisons for {clean(review.display_title)} yet; "
            f"answer some with `filmrev rank place {review.slug}`"
        )
    if output_format is TableOrJson.json:
        from filmrev.exporters.json_export import dumps

        entries = []
        for at, against, result, weight in rows:
            other = library.get(against)
            film = film_json(other) if other else {"id": against}
            entries.append({"at": at, "result": result, "against": film, "weight": weight})
        write_data(dumps(entries))
        return
    if not rows:
        return
    from filmrev.views.rank import comparisons_table

    films = {film.id: film for film in map(library.get, {row[1] for row in rows}) if film}
    stdout_console().print(comparisons_table(rows, films))
