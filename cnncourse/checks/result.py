"""The outcome of one check: whether it passed and a message in the student's terms."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Result:
    """What one check found: ``passed`` and a ``message`` that says why, in the student's terms."""

    passed: bool
    message: str

    def __bool__(self) -> bool:
        return self.passed

    @classmethod
    def ok(cls, message: str) -> Result:
        return cls(True, message)

    @classmethod
    def fail(cls, message: str) -> Result:
        return cls(False, message)

    def line(self) -> str:
        """The message as one printed line, marked [ok] or [FAIL]."""
        return f"{'[ok]  ' if self.passed else '[FAIL]'} {self.message}"


def count(value) -> str:
    """An integer with thousands separators (12,832); other numbers as short as they read."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return f"{int(value):,}"
    if isinstance(value, float):
        return f"{value:,.6g}"
    return repr(value)


def plural(number: int, word: str, many: str | None = None) -> str:
    """'1 layer', '3 layers'."""
    return f"{number:,} {word if number == 1 else (many or word + 's')}"
