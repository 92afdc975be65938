"""Writing in ``$VISUAL``/``$EDITOR``: the edit loop, drafts, the template; and the pager.

The editor opens on a Markdown file with YAML front matter (every editable
field, with ``#`` comments) built from a template the user may change
(``filmrev template edit``; stored as ``<user config dir>/filmrev/template.md``).
The file is a draft (:mod:`filmrev.drafts`) written before the editor opens and
deleted only once the review is saved, so the text survives a crash, a killed
terminal or a refused save. The loop, as ``kubectl edit`` does it:

- the editor exits non-zero or is killed → stop, keep the draft, exit 1;
- the file comes back unchanged or empty → stop, keep the draft, exit 1;
- invalid front matter or values → re-open at once with ``# error: …`` comment
  lines at the top of the front matter;
- valid → save (``edit`` first re-checks under the lock that the review was not
  changed meanwhile), then delete the draft.

``$VISUAL`` > ``$EDITOR`` > ``nano`` > ``vi``; the value is split like a shell
would (``EDITOR="code -w"``). ``$PAGER`` (default ``less``, with ``LESS=FRX``
when ``LESS`` is unset, as git does) pages ``show`` on a terminal.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from types import FrameType
from typing import IO, TYPE_CHECKING, Any, TypeVar

from filmrev.editor_document import (
    DEFAULT_TEMPLATE,
    ERROR_PREFIX,
    GENERATED,
    SURROGATE,
    Invalid,
    field_errors,
    parse_document,
    render_document,
    strip_errors,
    with_errors,
    yaml_value,
)
from filmrev.errors import Cancelled, FilmrevError, StorageError, ValidationError
from filmrev.paths import LibraryPaths

if TYPE_CHECKING:
    from rich.pager import Pager

    from filmrev.drafts import Draft
    from filmrev.model import Review
    from filmrev.store import Library

T = TypeVar("T")

FALLBACK_EDITORS = ("nano", "vi")


class Unchanged(Cancelled):
    """The file came back from the editor unchanged: the user stopped."""


class EditorFailed(Exception):
    """The editor exited non-zero or was killed."""


# --- the template ---------------------------------------------------------------------


def template_path() -> Path:
    """``<user config dir>/filmrev/template.md`` (e.g. ``~/.config/filmrev/template.md``)."""
    from platformdirs import user_config_dir

    return Path(user_config_dir("filmrev", appauthor=False)) / "template.md"


def load_template() -> str:
    """The user's template, or the built-in one."""
    path = template_path()
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return DEFAULT_TEMPLATE
    except (OSError, UnicodeDecodeError) as error:
        raise StorageError(f"cannot read the template {path}: {error}") from None


# --- running programs in the terminal -----------------------------------------------------


def editor_command(
    *, need_terminal: bool = False, instead: str = "pass the values as options"
) -> list[str]:
    """``$VISUAL`` > ``$EDITOR`` > nano > vi, split like a shell would split it.

    ``instead``: what the command can do without an editor, for the no-terminal message.
    """
    for variable in ("VISUAL", "EDITOR"):
        value = os.environ.get(variable, "").strip()
        if value:
            try:
                command = shlex.split(value)
            except ValueError as error:
                raise FilmrevError(f"${variable} cannot be read ({error}): {value!r}") from None
            if command:
                return command
    if need_terminal and not (sys.stdin is not None and sys.stdin.isatty()):
        raise FilmrevError(
            "no terminal for the editor: run this on a terminal, set $VISUAL or $EDITOR "
            f"to an editor that needs none, or {instead}"
        )
    for name in FALLBACK_EDITORS:
        if shutil.which(name):
            return [name]
    raise FilmrevError("no editor found: set $EDITOR (e.g. export EDITOR=nano) or pass --body")


@contextlib.contextmanager
def _foreground() -> Iterator[None]:
    """While a program owns the terminal, Ctrl-C is for it, not for us (as git does).

    A Python handler (not SIG_IGN) so the child still gets the default disposition.
    """

    def ignore(signum: int, frame: FrameType | None) -> None:
        pass

    try:
        previous = signal.signal(signal.SIGINT, ignore)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _terminal_output() -> IO[bytes] | None:
    """The terminal for the editor's output when our stdout is redirected (``> slug.txt``)."""
    if sys.stdout is not None and sys.stdout.isatty():
        return None
    try:
        return open("/dev/tty", "wb")
    except OSError:
        return None


def run_editor(command: Sequence[str], path: Path) -> None:
    """Run the editor on ``path``; :class:`EditorFailed` when it fails or is killed."""
    name = shlex.join(command)
    output = _terminal_output()
    try:
        with _foreground():
            try:
                process = subprocess.Popen([*command, str(path)], stdout=output)
            except OSError as error:
                raise EditorFailed(
                    f"cannot run the editor {name!r}: {error.strerror or error}"
                ) from None
            code = process.wait()
    finally:
        if output is not None:
            output.close()
    if code < 0:
        try:
            signame = signal.Signals(-code).name
        except ValueError:
            signame = f"signal {-code}"
        raise EditorFailed(f"the editor {name!r} was killed ({signame})")
    if code > 0:
        raise EditorFailed(f"the editor {name!r} exited with status {code}")


def edit_until_valid(
    path: Path,
    read: Callable[[], str],
    write: Callable[[str], None],
    accept: Callable[[str], T],
    *,
    keep_note: str,
    saved_as_is: bool = False,
    need_terminal: bool = True,
) -> T:
    """Open the editor until ``accept`` takes the text (raising :class:`Invalid` to re-open).

    ``saved_as_is``: the text on disk is already the user's (a restored draft), so an
    unchanged file on the first round is accepted rather than taken as "stop".
    """
    command = editor_command(need_terminal=need_terminal)
    first = True
    while True:
        before = read()
        try:
            run_editor(command, path)
        except EditorFailed as error:
            read()  # what a crashed editor had saved is kept
            raise Cancelled(f"{error}; nothing saved; {keep_note}") from None
        after = read()
        if not after.strip():
            write(before)
            raise Cancelled(f"the file came back empty; nothing saved; {keep_note}")
        if after == before and not (first and saved_as_is):
            raise Unchanged(f"the file came back unchanged; nothing saved; {keep_note}")
        first = False
        try:
            return accept(after)
        except Invalid as invalid:
            write(with_errors(after, invalid.errors))
        except FilmrevError as error:
            raise type(error)(f"{error.message}; {keep_note}") from None


# --- reviews ------------------------------------------------------------------------------


def _add_accept(paths: LibraryPaths) -> Callable[[str], Review]:
    def accept(text: str) -> Review:
        from filmrev.transaction import writing

        fields, position = parse_document(text, slug_allowed=False)
        try:
            with writing(paths) as library:
                if fields.get("tags"):
                    fields["tags"] = _library_tags(library, fields["tags"])
                return library.add(fields, rank=position)
        except ValidationError as error:
            raise Invalid([error.message]) from None

    return accept


def _library_tags(library: Library, tags: Any) -> Any:
    """Tags typed in the editor, spelled as the library spells them (``You've`` → ``You’ve``)."""
    from filmrev.tagging import canonical_tags

    if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
        return tags  # the model rejects it with its own message
    return canonical_tags(tags, library.tag_spellings())


def _typed(key: str, value: Any) -> Any:
    """A command-line string as the value the model stores (``"2012"`` → ``2012``)."""
    from filmrev import model

    parsers: dict[str, Callable[[Any], Any]] = {
        "year": model.parse_year,
        "rating": model.parse_rating,
        "watched": lambda v: model.parse_date(v, "watched"),
        "published": lambda v: model.parse_date(v, "published"),
    }
    return parsers[key](value) if key in parsers and isinstance(value, str) else value


def new_document(fields: Mapping[str, Any], position: int | None) -> str:
    """The text the editor opens for a new review: the template filled with the given fields.

    Raises ValidationError for a bad value given on the command line (before any draft).
    """
    values = {
        key: _typed(key, value) for key, value in fields.items() if key not in ("body", "slug")
    }
    errors = field_errors(values)
    if errors:
        raise ValidationError(errors[0])
    if position is not None:
        values["rank"] = position
    body = fields.get("body") or None
    return render_document(load_template(), values, body)


def _finish(draft: Draft) -> None:
    from filmrev import drafts
    from filmrev.storage import warn

    try:
        drafts.discard(draft)
    except StorageError as error:
        warn(f"saved, but {error.message}; remove it with `filmrev drafts discard {draft.id}`")


def _run_draft(
    paths: LibraryPaths,
    draft: Draft,
    *,
    saved_as_is: bool,
    force: bool,
    notify: Callable[[str], None],
) -> Review:
    from filmrev import drafts

    if draft.kind == "add":
        accept = _add_accept(paths)
    else:
        assert draft.review_id is not None and draft.base_updated is not None
        accept = _edit_accept(
            paths, draft.review_id, draft.base_updated, force=force, draft=draft, notify=notify
        )
    with _editing_copy(draft) as (path, read, write):
        review = edit_until_valid(
            path,
            read,
            write,
            accept,
            keep_note=drafts.kept_note(draft),
            saved_as_is=saved_as_is,
        )
    _finish(draft)
    return review


@contextlib.contextmanager
def _editing_copy(
    draft: Draft,
) -> Iterator[tuple[Path, Callable[[], str], Callable[[str], None]]]:
    """The editor works on a copy of the draft in a private temp folder (0700).

    Its swap and backup files (vim's ``.1.md.swp``) land there, not in ``drafts/``, so a
    restore never meets vim's E325 prompt about an old session. What the editor saves is
    copied into the draft after each run, and when the terminal goes away (SIGHUP) or
    filmrev is told to stop (SIGTERM) while the editor runs.
    """
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="filmrev-edit-"))
    path = folder / f"draft-{draft.id}.md"

    def write_copy(text: str) -> None:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8", "surrogateescape"))

    def read() -> str:
        try:
            text = path.read_bytes().decode("utf-8", "surrogateescape")
        except FileNotFoundError:  # the editor moved it away: nothing saved
            text = ""
        if text.strip() and text != draft.read_text():
            draft.write_text(text)  # the draft always holds what the editor saved last
        return text

    def write(text: str) -> None:
        write_copy(text)
        draft.write_text(text)

    def rescue(signum: int, frame: FrameType | None) -> None:
        with contextlib.suppress(FilmrevError, OSError):
            read()
        shutil.rmtree(folder, ignore_errors=True)
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)

    write_copy(draft.read_text())
    previous = {}
    try:
        for signum in (signal.SIGHUP, signal.SIGTERM):
            with contextlib.suppress(ValueError):  # not the main thread
                previous[signum] = signal.signal(signum, rescue)
        yield path, read, write
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        shutil.rmtree(folder, ignore_errors=True)


def compose_new(paths: LibraryPaths, fields: dict[str, Any], position: int | None) -> Review:
    """Open the editor on a new review (pre-filled with ``fields``), save it, return it."""
    from filmrev import drafts

    editor_command(need_terminal=True)  # fail before making a draft when there is no editor
    draft = drafts.create(paths, "add", new_document(fields, position))
    # Adding a review has nothing to note ("nothing changed" is only for edits).
    return _run_draft(paths, draft, saved_as_is=False, force=False, notify=lambda message: None)


def edit_document(review: Review) -> str:
    """The text the editor opens for an existing review (slug editable, with a warning)."""
    from filmrev.model import FIELD_ORDER

    skip = {*GENERATED, "slug", "body"}
    values: dict[str, Any] = {}
    doc = review.to_doc()
    for key in FIELD_ORDER:
        if key not in skip:
            values[key] = doc[key]
    if not any(review.sources.values()):
        values["sources"] = {}
    header = [
        f"# Editing {review.slug} (id {review.id}), last changed {review.updated}.",
        "# Removing a field (or leaving it empty) clears it.",
    ]
    slug_line = (f"slug: {yaml_value(review.slug)}", "   # changing it changes the post's URL")
    return render_document(
        load_template(), values, review.body, header=header, after={"title": slug_line}
    )


def _apply_document(current: Review, fields: Mapping[str, Any]) -> Review:
    """``current`` with every editable field as the document gives it (rank aside)."""
    from filmrev.model import CLEARABLE, empty_value

    doc = current.to_doc()
    for key in CLEARABLE:
        if key != "rank":
            doc[key] = fields.get(key, empty_value(key))
    doc["title"] = fields["title"]
    doc["slug"] = fields.get("slug") or current.slug
    doc["status"] = fields.get("status")
    return current.evolve(**doc)


#: Fields an edit never sets from the document.
_NOT_EDITED = ("id", "rank", "created", "updated")
_OPENED_ON = re.compile(r"^# Editing (\S+) \(id (\d+)\)", re.MULTILINE)


def _check_same_film(current: Review, draft: Draft | None, fields: Mapping[str, Any]) -> None:
    """Refuse (even with ``force``) when the id now belongs to another film than the draft's.

    Ids are never reused, but a draft can outlive a restore from an older backup.
    """
    if draft is None:
        return
    if draft.base_created is not None:
        same = current.created == draft.base_created
    else:  # a draft from before filmrev kept the review's ``created``
        opened = _OPENED_ON.search(draft.base_text or draft.read_text())
        expected = opened.group(1) if opened else fields.get("slug")
        same = expected in (None, current.slug)
    if not same:
        raise Cancelled(
            f"review {current.id} is now {current.slug}, not the film this draft was "
            "opened on; not saving it there"
        )


def _edit_accept(
    paths: LibraryPaths,
    review_id: int,
    base_updated: str,
    *,
    force: bool,
    notify: Callable[[str], None],
    draft: Draft | None = None,
) -> Callable[[str], Review]:
    """Save an edited document: only the fields the user changed, re-read under the lock.

    The draft's base (the text as opened) against the saved text gives what the user
    changed; a field also changed by someone else meanwhile refuses (``force`` wins).
    ``notify`` tells the user that a document came back with nothing to save.
    """
    base_text = draft.base_text if draft is not None else None

    def accept(text: str) -> Review:
        from filmrev.errors import NotFoundError
        from filmrev.model import WINDOWS_DEVICE_NAMES
        from filmrev.transaction import writing

        fields, position = parse_document(text, slug_allowed=True)
        base: tuple[dict[str, Any], int | None] | None = None
        if base_text is not None:
            with contextlib.suppress(Invalid):
                base = parse_document(base_text, slug_allowed=True)
        try:
            with writing(paths) as library:
                current = library.get(review_id)
                if current is None:
                    raise NotFoundError(f"review {review_id} was deleted while you edited it")
                _check_same_film(current, draft, fields)
                if base is None:  # an old draft without its base: all or nothing
                    if current.updated != base_updated and not force:
                        raise Cancelled(
                            f"{current.slug} was changed by someone else while you edited it "
                            f"(updated {current.updated}); not overwriting it"
                        )
                    candidate = _apply_document(current, fields)
                    rank_changed = position != current.rank
                else:
                    base_fields, base_position = base
                    opened = _apply_document(current, base_fields).to_doc()
                    wanted = _apply_document(current, fields).to_doc()
                    now = current.to_doc()
                    changed = [
                        key
                        for key in wanted
                        if key not in _NOT_EDITED and wanted[key] != opened[key]
                    ]
                    clashes = [key for key in changed if now[key] not in (opened[key], wanted[key])]
                    rank_changed = position != base_position
                    if rank_changed and current.rank not in (base_position, position):
                        clashes.append("rank")
                    if clashes and not force:
                        raise Cancelled(
                            f"{current.slug} was changed by someone else while you edited it "
                            f"({', '.join(clashes)} changed meanwhile, updated "
                            f"{current.updated}); not overwriting it"
                        )
                    if "slug" in changed and wanted["slug"] in WINDOWS_DEVICE_NAMES:
                        raise Invalid(
                            [f"slug {wanted['slug']!r} is reserved (a Windows device name)"]
                        )
                    candidate = current.evolve(**{key: wanted[key] for key in changed})
                if candidate.tags != current.tags:
                    candidate = candidate.evolve(tags=_library_tags(library, list(candidate.tags)))
                    rank_changed = rank_changed and position != current.rank
                if candidate == current and not rank_changed:
                    notify(f"nothing changed in {current.slug}")
                    return current
                if current.body.strip() and not candidate.body.strip():
                    from filmrev.backups import backup_before_body_loss

                    backup_before_body_loss(library, current, "before-clear-body")
                saved = library.save(candidate) if candidate != current else current
                if rank_changed:
                    library.set_rank(review_id, position)
                    saved = library.get(review_id) or saved
                return saved
        except ValidationError as error:
            raise Invalid([error.message]) from None

    return accept


def edit_existing(
    paths: LibraryPaths,
    ref: str,
    *,
    find: Callable[[str], Review],
    notify: Callable[[str], None],
) -> None:
    """Open the editor on an existing review and save it when valid.

    ``find`` turns the REF into the review (a fuzzy match confirmed: the CLI asks), once
    an editor is known to be there; ``notify`` says when nothing changed.
    """
    from filmrev import drafts

    editor_command(need_terminal=True)
    review = find(ref)
    draft = drafts.create(
        paths,
        "edit",
        edit_document(review),
        review_id=review.id,
        base_updated=review.updated,
        base_created=review.created,
    )
    _run_draft(paths, draft, saved_as_is=False, force=False, notify=notify)


def _refresh_errors(draft: Draft) -> None:
    """Replace a draft's ``# error:`` lines with the problems it has now (none when fixed).

    A draft kept after a lost terminal may hold errors the person had already fixed.
    """
    text = draft.read_text()
    if ERROR_PREFIX not in text:
        return
    clean = strip_errors(text)
    try:
        parse_document(clean, slug_allowed=draft.kind == "edit")
        fresh = clean
    except Invalid as invalid:
        fresh = with_errors(clean, invalid.errors)
    if fresh != text:
        draft.write_text(fresh)


def restore(
    paths: LibraryPaths,
    draft: Draft,
    *,
    notify: Callable[[str], None],
    open_editor: bool = True,
    force: bool = False,
) -> Review:
    """Save a draft: re-open the editor on it first (unless ``open_editor`` is False).

    ``notify`` says when an edit draft holds no change to save.
    """
    from filmrev import drafts

    if draft.kind == "edit" and (draft.review_id is None or draft.base_updated is None):
        raise ValidationError(f"draft {draft.id} does not say which review it edits")
    if open_editor:
        editor_command(
            need_terminal=True,
            instead=f"save it as it is with `filmrev drafts restore {draft.id} --no-edit`",
        )
        _refresh_errors(draft)
        return _run_draft(
            paths,
            draft,
            saved_as_is=not draft.is_pristine(draft.read_text()),
            force=force,
            notify=notify,
        )
    text = draft.read_text()
    if draft.is_pristine(text):
        raise Cancelled(f"draft {draft.id} holds nothing written yet; {drafts.kept_note(draft)}")
    if draft.kind == "add":
        accept = _add_accept(paths)
    else:
        assert draft.review_id is not None and draft.base_updated is not None
        accept = _edit_accept(
            paths, draft.review_id, draft.base_updated, force=force, draft=draft, notify=notify
        )
    try:
        review = accept(text)
    except Invalid as invalid:
        draft.write_text(with_errors(text, invalid.errors))
        raise ValidationError(
            f"draft {draft.id} is not valid ({'; '.join(invalid.errors)}); "
            f"fix it with `filmrev drafts restore {draft.id}`"
        ) from None
    except Cancelled as error:
        raise Cancelled(f"{error.message}; {drafts.kept_note(draft)}") from None
    _finish(draft)
    return review


# --- the template command -----------------------------------------------------------------


def check_template(text: str) -> None:
    """:class:`Invalid` unless ``text`` is front matter with known fields and valid defaults."""
    from filmrev import frontmatter

    try:
        front, _ = frontmatter.split(text)
    except ValidationError as error:
        raise Invalid([error.message]) from None
    if front is None:
        raise Invalid(["the template must start with front matter between '---' lines"])
    defaults = {key: value for key, value in front.items() if key not in GENERATED}
    errors = []
    if "slug" in defaults:
        errors.append("slug: a template cannot set the slug (filmrev makes it from the title)")
        defaults.pop("slug")
    defaults = {key: value for key, value in defaults.items() if value not in (None, "")}
    errors.extend(field_errors(defaults))
    if errors:
        raise Invalid(errors)


def edit_template() -> bool:
    """Open the editor on the template; returns whether it changed."""
    import tempfile

    path = template_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=".template.", suffix=".md")
    except OSError as error:
        raise StorageError(f"cannot write in {path.parent}: {error.strerror}") from None
    work = Path(name)
    original = load_template()
    with os.fdopen(fd, "wb") as handle:
        handle.write(original.encode("utf-8"))

    def read() -> str:
        return work.read_bytes().decode("utf-8", "surrogateescape")

    def write(text: str) -> None:
        work.write_bytes(text.encode("utf-8", "surrogateescape"))

    def accept(text: str) -> None:
        if SURROGATE.search(text):
            raise Invalid(["the file is not valid UTF-8; save it as UTF-8"])
        clean = strip_errors(text)
        check_template(clean)
        from filmrev.storage import atomic_write

        atomic_write(path, clean.encode("utf-8", "surrogateescape"), commit=False)

    try:
        edit_until_valid(work, read, write, accept, keep_note=f"the template {path} is unchanged")
    except Unchanged:
        return False
    finally:
        with contextlib.suppress(OSError):
            work.unlink()
    return True


def reset_template() -> bool:
    """Go back to the built-in template; returns whether there was a user template."""
    path = template_path()
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    except OSError as error:
        raise StorageError(f"cannot remove {path}: {error.strerror}") from None
    return True


# --- the pager --------------------------------------------------------------------------


def pager_command() -> list[str]:
    """``$PAGER`` split like a shell would, else ``less``."""
    value = os.environ.get("PAGER", "").strip()
    try:
        command = shlex.split(value) if value else []
    except ValueError:
        command = []
    return command or ["less"]


def page(text: str) -> None:
    """Show text through the pager (``LESS=FRX`` unless set: colours, quit if it fits)."""
    env = dict(os.environ)
    env.setdefault("LESS", "FRX")
    env.setdefault("LV", "-c")
    data = text.encode("utf-8", "replace")
    try:
        with _foreground():
            process = subprocess.Popen(pager_command(), stdin=subprocess.PIPE, env=env)
            try:
                assert process.stdin is not None
                process.stdin.write(data)
                process.stdin.close()
            except BrokenPipeError:
                pass  # the user quit the pager early
            process.wait()
    except OSError:
        sys.stdout.write(text)
        sys.stdout.flush()


def terminal_pager() -> Pager:
    """A Rich ``Pager`` that runs :func:`page` (``console.pager(pager=terminal_pager())``)."""
    from rich.pager import Pager

    class CommandPager(Pager):
        def show(self, content: str) -> None:
            page(content)

    return CommandPager()
