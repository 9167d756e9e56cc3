"""Every chapter exercise that points to an assignment names a question that exists there.

The rule. The "## Exercises" section of a chapter is read up to the next "## " heading; its
items are the numbered list items ("1. ...", with their indented continuation lines). The
paragraph before the list may name assignments freely ("practised in assignment a3"): it
points to no question. An item that mentions an assignment (the word ``a1`` ... ``a5``, in
any form: "(a3)", "assignment a2", "**Assignment a4.**") must point to a question of that
assignment in the one form a student can act on:

    Assignment aN, Q<k>            e.g. "Assignment a1, Q4.2" or "assignment a3, Q5"
    Assignment aN, Q<k> and Q<m>   (or "Q<k>, Q<m> and Q<n>"): several questions

and every question it names must exist in ``solutions/aN/*.ipynb``. Any other form ("a2,
question 4.3", "(a3)", "**Assignment a5.**") counts as an assignment without a question and
fails: "clearly which question" means this form, nothing looser.

A question <k> exists when the notebook numbers a question <k>, either in a markdown heading
("## Question 3 ...", "### 3.1 ...", "### Question 1.2: ...", "## 5. An inception block")
or in the title of a graded test cell (``checks.Question("4.2a the MLP", ...)``,
``checks.Question("Question 4: ...", ...)``); or when <k> numbers a group of such questions:
"Q4" exists when question 4.1 does (a2's Part 4), "Q3.2" when 3.2a does.
"""

import json
import re
from functools import cache

import pytest

from .conftest import REPO, chapters

ASSIGNMENT = re.compile(r"(?<![\w.-])a([1-9])(?![\w-])")
REFERENCE = re.compile(
    r"assignment\s+a([1-9]),\s+(Q\d+(?:\.\d+)*[a-z]?"
    r"(?:(?:,\s+|,?\s+and\s+)Q\d+(?:\.\d+)*[a-z]?)*)",
    re.IGNORECASE,
)
QUESTION_NUMBER = re.compile(r"Q(\d+(?:\.\d+)*[a-z]?)")
HEADING = re.compile(r"^#+\s*(?:Question\s+)?(\d+(?:\.\d+)*[a-z]?)(?=[\s.:\[]|$)", re.MULTILINE)
GRADED_CELL = re.compile(r"checks\.Question\(\s*[\"'](?:Question\s+)?(\d+(?:\.\d+)*[a-z]?)\b")
ITEM = re.compile(r"^(\d+)\.\s")


def exercise_items(text: str) -> list[str]:
    """The numbered items of a chapter's "## Exercises" section, each as one string."""
    section = re.search(r"^## Exercises[^\n]*\n(.*?)(?=^## |\Z)", text, re.MULTILINE | re.DOTALL)
    if section is None:
        return []
    items: list[list[str]] = []
    for line in section.group(1).splitlines():
        if ITEM.match(line):
            items.append([line])
        elif items and (line.startswith((" ", "\t")) or not line.strip()):
            items[-1].append(line)
        elif items and line.strip():
            break  # a paragraph after the list ends it
    return [" ".join(part.strip() for part in item).strip() for item in items]


def question_numbers(notebook: dict) -> set[str]:
    """The question numbers of an assignment notebook: its headings and graded cells."""
    numbers = set()
    for cell in notebook["cells"]:
        source = "".join(cell["source"])
        pattern = HEADING if cell["cell_type"] == "markdown" else GRADED_CELL
        numbers.update(pattern.findall(source))
    return numbers


@cache
def questions_of(assignment: str) -> frozenset[str]:
    """The question numbers of ``solutions/<assignment>/*.ipynb`` (empty if there is none)."""
    numbers = set()
    for path in sorted((REPO / "solutions" / assignment).glob("*.ipynb")):
        numbers |= question_numbers(json.loads(path.read_text()))
    return frozenset(numbers)


def exists(question: str, numbers: frozenset[str]) -> bool:
    """``question`` is a numbered question or numbers a group of them (4 for 4.1, 3.2 for 3.2a)."""
    return any(
        number == question or re.match(re.escape(question) + r"[.a-z]", number)
        for number in numbers
    )


def problems(item: str, questions=questions_of) -> list[str]:
    """What is wrong with the assignment references of one exercise item (empty: nothing)."""
    found = []
    referenced = set()
    for match in REFERENCE.finditer(item):
        assignment = f"a{match.group(1)}"
        referenced.add(assignment)
        numbers = questions(assignment)
        if not numbers:
            found.append(f"{match.group(0)!r}: there is no assignment {assignment} in solutions/")
            continue
        for question in QUESTION_NUMBER.findall(match.group(2)):
            if not exists(question, numbers):
                found.append(
                    f"{match.group(0)!r}: {assignment} has no question {question} "
                    f"(it has {', '.join(sorted(numbers))})"
                )
    for assignment in sorted({f"a{n}" for n in ASSIGNMENT.findall(item)} - referenced):
        found.append(
            f"names assignment {assignment} without a question "
            f"(write 'Assignment {assignment}, Q<k>')"
        )
    return found


def test_every_assignment_has_numbered_questions():
    for assignment in ("a1", "a2", "a3", "a4", "a5"):
        assert questions_of(assignment), f"solutions/{assignment}: no numbered question found"
    assert {"3.1", "4.2", "4.2d"} <= questions_of("a1")
    assert {"1.1", "4.3"} <= questions_of("a2")
    assert {"1", "7"} <= questions_of("a3")
    assert {"1", "7"} <= questions_of("a4")
    assert {"1", "8"} <= questions_of("a5")


def test_the_rule_on_examples():
    numbers = {"a1": frozenset({"3", "3.1", "3.2a", "4.2"}), "a2": frozenset({"4.1"})}

    def check(item):
        return problems(item, questions=lambda a: numbers.get(a, frozenset()))

    assert check("Do it (Assignment a1, Q3.1).") == []
    assert check("assignment a1, Q3 and Q4.2; Assignment a2, Q4") == []
    assert check("Assignment a1, Q3.2, Q3.1 and Q4.2") == []
    assert len(check("Assignment a1, Q5")) == 1
    assert len(check("Assignment a1, Q3.1 and Q3.3")) == 1
    assert len(check("Assignment a9, Q1")) == 1
    assert len(check("**Assignment a2.** Train it.")) == 1
    assert len(check("(a2, question 4.1) Train it.")) == 1
    assert len(check("(a1) Assignment a2, Q4.1")) == 1  # a1 still has no question
    assert check("Use the a-priori estimate of a.1 and b4.") == []


def test_exercise_items_are_read():
    text = (
        "## Exercises\n\nIntro naming assignment a1.\n\n1. First item,\n   continued.\n"
        "2. Second.\n\nAfter the list.\n\n## Next\n\n3. Not an exercise.\n"
    )
    assert exercise_items(text) == ["1. First item, continued.", "2. Second."]


@pytest.mark.parametrize("chapter", chapters())
def test_exercise_references_point_to_questions(chapter):
    items = exercise_items((REPO / f"{chapter}.md").read_text())
    assert items, f"{chapter}: no numbered items under '## Exercises'"
    wrong = [
        f"  item {item.split('.')[0]}: {problem}" for item in items for problem in problems(item)
    ]
    assert not wrong, f"{chapter}:\n" + "\n".join(wrong)
