"""The questions of ``rank place`` on a terminal or from piped answers (stderr only).

:class:`Questions` is the ``ask`` callback :func:`filmrev.ranking.place` calls;
:func:`confirm_placement` is the last chance to undo on a terminal.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from filmrev.errors import Cancelled, ValidationError
from filmrev.terminal import clean

if TYPE_CHECKING:
    from rich.console import Console

    from filmrev.model import Review
    from filmrev.ranking import Placement
    from filmrev.store import Library

ANSWER_HELP = "1/a = film 1 is better · 2/b = film 2 is better · = same · s skip · u undo · q quit"


class Questions:
    """The ``ask`` callback of :func:`filmrev.ranking.place`: shows a question, reads an answer.

    With a terminal, answers are read line by line and a wrong key asks again; without one,
    each answer is one line of stdin, and end of input or an unknown answer cancels. Answers
    in ``replay`` are given silently first (re-running a placement to undo its last answer).
    """

    def __init__(
        self,
        library: Library,
        console: Console,
        *,
        interactive: bool,
        total: int,
        replay: Sequence[str] = (),
    ) -> None:
        self.library = library
        self.console = console
        self.interactive = interactive
        self.total = total
        self.replay = list(replay)
        self.given: list[str] = []  # every answer returned, undos included
        self.read_line = self._read_terminal if interactive else self._read_stdin

    def __call__(self, candidate: int, other: int) -> str:
        from filmrev import ranking

        if self.replay:
            answer = self.replay.pop(0)
        else:
            self.show(candidate, other)
            answer = self.answer()
        parsed = ranking.parse_answer(answer)
        self.given.append(parsed)
        return parsed

    def kept_answers(self) -> list[str]:
        """The answers in force: everything given, minus the ones undone."""
        kept: list[str] = []
        for answer in self.given:
            if answer != "u":
                kept.append(answer)
            elif kept:
                kept.pop()
        return kept

    def answered(self) -> int:
        """Questions answered so far (skips and undone answers left out)."""
        return sum(1 for answer in self.kept_answers() if answer != "s")

    def show(self, candidate: int, other: int) -> None:
        from filmrev.views.placing import question

        placed, compared = self.library.get(candidate), self.library.get(other)
        assert placed is not None and compared is not None
        self.console.print()
        self.console.print(question(placed, compared, ANSWER_HELP, self.answered() + 1, self.total))

    def answer(self) -> str:
        """One valid answer: re-asked on a terminal, fatal without one."""
        from filmrev import ranking

        while True:
            self.console.print("> ", end="")
            line = self.read_line().rstrip("\r\n")
            if not self.interactive:
                self.console.print(clean(line.strip()))
            try:
                return ranking.parse_answer(line)
            except ValidationError as error:
                if not self.interactive:
                    raise ValidationError(f"{error.message}; nothing changed") from None
                self.console.print(clean(error.message), style="red")

    def _read_terminal(self) -> str:
        try:
            return input()
        except EOFError:
            self.console.print()
            raise Cancelled("placement quit; nothing changed") from None

    def _read_stdin(self) -> str:
        line = sys.stdin.readline()
        if not line:
            self.console.print()
            raise Cancelled("no more answers on stdin (end of input); nothing changed")
        return line


def confirm_placement(console: Console, review: Review, placement: Placement) -> str:
    """On a terminal, a last chance to undo: ``save``, ``u`` or ``q``."""
    title = clean(review.display_title)
    count = len(placement.order)
    while True:
        console.print()
        console.print(f"{title} goes to #{placement.position} of {count}.")
        console.print("Enter = save · u = undo the last answer · q = quit", style="dim")
        console.print("> ", end="")
        try:
            reply = input().strip().lower()
        except EOFError:
            reply = "q"
        if reply in ("", "y", "yes", "s"):
            return "save"
        if reply in ("u", "q", "n"):
            return "q" if reply == "n" else reply
        console.print("answer Enter, u or q", style="red")
