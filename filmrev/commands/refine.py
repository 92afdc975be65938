"""``rank refine`` and ``rank score``: the Bradley–Terry fit of every stored answer.

The fit itself is :func:`filmrev.ranking.fit`; these commands ask the questions that help it
most, show what it would change, and save the result in one write.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, Any

import typer

from filmrev.commands.common import (
    TableOrJson,
    library_paths,
    load_library,
    note,
    stderr_console,
    stdin_is_tty,
    stdout_console,
)
from filmrev.commands.rank import (
    DataFormatOption,
    LimitOption,
    film_json,
    rank_app,
)
from filmrev.comparisons import (
    comparison_docs,
    fit_library,
    model_scores,
    stored_comparisons,
)
from filmrev.errors import Cancelled, FilmrevError, ValidationError

if TYPE_CHECKING:
    from rich.console import Console

    from filmrev.model import Review
    from filmrev.ranking import Comparison, Fit, Move
    from filmrev.store import Library

SURE_Z = 2.0
"""A neighbouring pair is asked about when contradicted or when the fit puts the two films
less than this many standard errors apart."""

DEFAULT_QUESTIONS = 5


# --- rank refine ------------------------------------------------------------------------------


def _next_pair(
    order: Sequence[int],
    fitted: Fit,
    answers: Sequence[Comparison],
    asked: set[frozenset[int]],
) -> tuple[int, int] | None:
    """The neighbouring pair (in the order refine would give) most worth a question, or
    None when the fit is sure enough of every pair not asked yet."""
    from filmrev import ranking

    proposed = ranking.proposed_order(order, fitted, answers)
    for doubt in ranking.doubtful_pairs(fitted, answers, proposed):
        if frozenset((doubt.higher, doubt.lower)) in asked:
            continue
        if doubt.contradicted or doubt.z < SURE_Z:
            return doubt.higher, doubt.lower
        return None  # sorted: the rest are surer still
    return None


def _ask_questions(
    library: Library, console: Console, stored: Sequence[Comparison], limit: int
) -> list[Comparison]:
    """Ask up to ``limit`` questions, refitting after each answer; the answers given."""
    from filmrev import ranking
    from filmrev.commands.placing import Questions

    questions = Questions(library, console, interactive=stdin_is_tty(), total=limit)
    ratings = {review.id: review.rating for review in library.reviews()}
    order = library.ranked_order()
    given: list[tuple[frozenset[int], Comparison | None]] = []  # None: skipped
    while sum(1 for _, answer in given if answer is not None) < limit:
        new = [answer for _, answer in given if answer is not None]
        fitted = ranking.fit(order, [*stored, *new], ratings)
        pair = _next_pair(order, fitted, [*stored, *new], {key for key, _ in given})
        if pair is None:
            break
        higher, lower = pair
        reply = questions(higher, lower)
        if reply == "q":
            raise Cancelled("refine quit; nothing changed")
        if reply == "u":
            if given:
                given.pop()
            continue
        key = frozenset(pair)
        if reply == "s":
            given.append((key, None))
        elif reply == "=":
            given.append((key, ranking.Comparison(higher, lower, tie=True)))
        elif reply == "1":
            given.append((key, ranking.Comparison(higher, lower)))
        else:
            given.append((key, ranking.Comparison(lower, higher)))
    return [answer for _, answer in given if answer is not None]


def _move_json(move: Move, film: Review) -> dict[str, Any]:
    return {
        "film": film_json(film),
        "from": move.before,
        "to": move.after,
        "answers_for": move.agreeing,
        "answers_against": move.disagreeing,
    }


@rank_app.command("refine")
def rank_refine(
    ctx: typer.Context,
    questions: Annotated[
        int,
        typer.Option(
            "--questions",
            min=0,
            help="Ask at most N questions about doubtful neighbours first (0: none).",
            metavar="N",
        ),
    ] = DEFAULT_QUESTIONS,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Only show the moves: no questions, no change.")
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", help="Apply the moves without asking.")] = False,
    output_format: Annotated[
        TableOrJson, typer.Option("--format", "-f", help="Output format of the moves.")
    ] = TableOrJson.table,
) -> None:
    """Re-rank from every stored answer (a Bradley–Terry fit) and show the moves.

    The fit weighs all your answers together, with a weak pull towards the current order and
    the star ratings, so one moody answer no longer decides a film's place; two neighbours
    swap only when the fit is fairly sure (half a standard error apart). First it asks up
    to N questions (as `rank place` does: 1, 2, =, s skip, u undo, q quit; answers from stdin
    without a terminal) about neighbouring films whose answers disagree or that it cannot
    tell apart; each answer is stored.

    The moves go to stdout: film, from → to, and the answers between it and the films it
    passes that agree (for) and disagree (against). Nothing moves until you confirm on a
    terminal, or give --yes; --dry-run only reports. One write for the whole refine.

    Example: filmrev rank refine --dry-run

    Example: printf '1\\n2\\n' | filmrev rank refine --questions 2 --yes
    """
    from filmrev import ranking
    from filmrev.commands.common import confirm
    from filmrev.store import refuse_if_broken
    from filmrev.transaction import writing

    paths = library_paths(ctx)
    library = load_library(paths)
    if not dry_run:
        refuse_if_broken(library)
        if not yes and not stdin_is_tty():
            raise ValidationError(
                "rank refine moves films only when confirmed: give --yes without a terminal "
                "(or --dry-run to only see the moves); nothing changed"
            )
    order = library.ranked_order()
    if len(order) < 2:
        note("fewer than two ranked films: nothing to refine")
        return
    films = {review.id: review for review in library.reviews()}
    stored = [comparison for comparison, _ in stored_comparisons(library)]
    new = [] if dry_run else _ask_questions(library, stderr_console(), stored, questions)
    fitted, answers = fit_library(library, new)
    proposed = ranking.proposed_order(order, fitted, answers)
    moves = ranking.moves(order, proposed, answers)
    if output_format is TableOrJson.json:
        from filmrev.commands.common import write_data
        from filmrev.exporters.json_export import dumps

        write_data(dumps([_move_json(move, films[move.review_id]) for move in moves]))
    elif moves:
        from filmrev.views.refine import moves_table

        console = stdout_console()
        console.print(moves_table(moves, films))
    answered = f"{len(new)} new answer{'s' if len(new) != 1 else ''}"
    if not moves:
        note(
            f"nothing to move: your answers favour no other order clearly enough "
            f"({len(order)} ranked films, {len(answers)} answers)"
        )
    if dry_run:
        if moves:
            note(f"dry run: {len(moves)} films would move; nothing changed")
        return
    if not moves and not new:
        return
    if moves and not yes and not confirm(f"Move these {len(moves)} films?"):
        raise Cancelled("refine declined; nothing changed")
    with writing(paths) as locked:
        if locked.ranked_order() != order:
            raise FilmrevError(
                "the ranking changed while you were answering; nothing changed; "
                "run `filmrev rank refine` again"
            )
        locked.add_comparisons(comparison_docs(new))
        if moves:
            locked.set_order(proposed)
    if moves:
        note(f"moved {len(moves)} films ({answered} stored)")
    else:
        note(f"{answered} stored")


# --- rank score -------------------------------------------------------------------------------


@rank_app.command("score")
def rank_score(
    ctx: typer.Context,
    limit: LimitOption = None,
    output_format: DataFormatOption = TableOrJson.table,
) -> None:
    """Each ranked film's model score, 0–100 (best 100), in rank order.

    The score is the Bradley–Terry strength fitted to every stored answer (see `rank refine`),
    scaled so the best film is 100 and the worst 0: a big gap means your answers tell the
    two films far apart. A film scored above the one ranked just above it is one
    `rank refine` may move up (when the answers are sure enough). `filmrev list --sort
    score` orders by it.

    Example: filmrev rank score --limit 10
    """
    library = load_library(library_paths(ctx))
    scores = model_scores(library)
    ranked = [film for film in map(library.get, library.ranked_order()) if film is not None]
    if limit is not None:
        ranked = ranked[:limit]
    if not ranked:
        note("no ranked films; rank one with `filmrev rank place REF`")
    if output_format is TableOrJson.json:
        from filmrev.commands.common import write_data
        from filmrev.exporters.json_export import dumps

        write_data(dumps([{**film_json(film), "score": scores[film.id]} for film in ranked]))
        return
    if not ranked:
        return
    from filmrev.views.refine import scores_table

    stdout_console().print(scores_table(ranked, scores))
