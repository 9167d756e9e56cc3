"""Collections of items: the same items as the truth, disjoint parts, balanced classes, best pick.

Items are compared through ``key`` (default: the item itself), applied to the answer and to
the expected side alike: ``key=lambda path: "/".join(Path(path).parts[-2:])`` compares files
by class folder and name whether the student gives absolute paths, relative ones or strings.
Messages name a few of the items that differ (``show`` of them) and how many there are.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from cnncourse.checks.result import Result, count, plural

Key = Callable[[object], object]


class _NotAList(TypeError):
    """The answer is not a collection of items (the message names it and its type)."""


def _listed(value, name: str) -> list:
    """``value`` as a list of items; _NotAList naming ``name`` when it is not a collection."""
    if (
        isinstance(value, (str, bytes))
        or isinstance(value, Mapping)
        or not isinstance(value, Iterable)
    ):
        raise _NotAList(f"{name}: expected a list of items, got {type(value).__name__}")
    return list(value)


def _unreadable(error: Exception, name: str) -> Result:
    if isinstance(error, _NotAList):
        return Result.fail(str(error))
    return Result.fail(f"{name}: cannot read the items ({type(error).__name__}: {error})")


def _keyed(items: list, key: Key | None) -> list:
    return [key(item) if key else item for item in items]


def _text(item) -> str:
    return item if isinstance(item, str) else repr(item)


def _some(items, show: int) -> str:
    items = sorted(items, key=lambda item: (str(type(item)), _sort_key(item)))
    shown = ", ".join(_text(item) for item in items[:show])
    return shown + (f" and {len(items) - show} more" if len(items) > show else "")


def _sort_key(item):
    try:
        return (0, item) if isinstance(item, (int, float, str, tuple)) else (1, repr(item))
    except TypeError:  # pragma: no cover - unorderable tuples
        return (1, repr(item))


def same_items(
    answer,
    expected,
    *,
    name: str = "your answer",
    key: Key | None = None,
    show: int = 4,
    hint: str = "",
) -> Result:
    """Whether ``answer`` holds exactly the items of ``expected`` (order ignored, no repeats).

    The message names the items missing from the answer and those it should not have.
    ``hint`` is added to a failure.
    """
    try:
        given = _keyed(_listed(answer, name), key)
    except Exception as error:  # noqa: BLE001 - the student's value or key failed
        return _unreadable(error, name)
    wanted = set(_keyed(list(expected), key))
    seen, repeated = set(), set()
    for item in given:
        (repeated if item in seen else seen).add(item)
    missing, extra = wanted - seen, seen - wanted
    problems = []
    if missing:
        problems.append(f"{plural(len(missing), 'item')} missing ({_some(missing, show)})")
    if extra:
        problems.append(
            f"{plural(len(extra), 'item')} that should not be there ({_some(extra, show)})"
        )
    if repeated:
        problems.append(f"{plural(len(repeated), 'item')} listed twice ({_some(repeated, show)})")
    if problems:
        suffix = f" ({hint})" if hint else ""
        return Result.fail(
            f"{name}: expected {count(len(wanted))} items, yours has {'; '.join(problems)}{suffix}"
        )
    return Result.ok(f"{name}: all {count(len(wanted))} items are right")


def disjoint(
    parts: Mapping, *, name: str = "your parts", key: Key | None = None, show: int = 4
) -> Result:
    """Whether no item is in two of ``parts`` (a mapping part name -> items), e.g. a split."""
    if not isinstance(parts, Mapping) or not parts:
        return Result.fail(
            f"{name}: expected a dict of part name -> items, got {type(parts).__name__}"
        )
    try:
        keyed = {
            part: set(_keyed(_listed(items, f"{name}[{part!r}]"), key))
            for part, items in parts.items()
        }
    except Exception as error:  # noqa: BLE001 - the student's value or key failed
        return _unreadable(error, name)
    names = list(keyed)
    for i, first in enumerate(names):
        for second in names[i + 1 :]:
            shared = keyed[first] & keyed[second]
            if shared:
                return Result.fail(
                    f"{name}: {first} and {second} share "
                    f"{plural(len(shared), 'item')} ({_some(shared, show)}): "
                    "an image may be in one part only"
                )
    sizes = ", ".join(f"{part} {count(len(items))}" for part, items in keyed.items())
    return Result.ok(f"{name} do not overlap ({sizes})")


def balanced(counts: Mapping, *, name: str = "your classes", tolerance: int = 0) -> Result:
    """Whether every class of ``counts`` (class -> number of items) has as many items,
    give or take ``tolerance``."""
    if not isinstance(counts, Mapping) or not counts:
        return Result.fail(
            f"{name}: expected a dict of class -> count, got {type(counts).__name__}"
        )
    try:
        values = {label: int(value) for label, value in counts.items()}
    except (TypeError, ValueError):
        return Result.fail(f"{name}: the counts must be whole numbers, got {dict(counts)!r:.80}")
    listed = ", ".join(f"{label} {count(value)}" for label, value in values.items())
    if max(values.values()) - min(values.values()) > tolerance:
        return Result.fail(
            f"{name} are not balanced ({listed}): every class should have the same number of images"
        )
    return Result.ok(f"{name} are balanced ({listed})")


def best_choice(
    chosen,
    scores: Mapping,
    *,
    name: str = "your choice",
    key: Key | None = None,
    largest: bool = True,
    score_name: str = "score",
) -> Result:
    """Whether ``chosen`` is the candidate with the best score (``scores``: candidate ->
    score; the largest, or the smallest with ``largest=False``); any of tied best ones passes.
    """
    if not isinstance(scores, Mapping) or not scores:
        return Result.fail(f"{name}: there are no scored candidates to choose from")
    try:
        keyed = {}
        for candidate, score in scores.items():
            keyed[key(candidate) if key else candidate] = float(score)
        pick = key(chosen) if key else chosen
    except Exception as error:  # noqa: BLE001 - the student's value or key failed
        return Result.fail(f"{name}: cannot read it ({type(error).__name__}: {error})")
    best = max(keyed.values()) if largest else min(keyed.values())
    winners = [candidate for candidate, score in keyed.items() if score == best]
    word = "highest" if largest else "lowest"
    if pick in winners:
        return Result.ok(f"{name}: {_text(pick)} has the {word} {score_name} ({best:.4g})")
    if pick in keyed:
        return Result.fail(
            f"{name}: {_text(pick)} has {score_name} {keyed[pick]:.4g}, but "
            f"{_text(winners[0])} has the {word} ({best:.4g})"
        )
    return Result.fail(
        f"{name}: {_text(pick)} is none of the candidates ({_some(keyed, len(keyed))})"
    )
