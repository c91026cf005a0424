"""Faults found in what editors and the site's developer wrote, reported all at once."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Fault:
    """One problem in one file: where it is, which field, what is wrong and how to fix it."""

    file: str
    line: int | None
    field: str
    message: str
    fix: str = ""

    def format(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        text = f"{where}: {self.field}: {self.message}"
        return f"{text} ({self.fix})" if self.fix else text


class MastheadError(Exception):
    """Raised with every fault of a build, so the editor sees all of them in one run."""

    def __init__(self, faults: Iterable[Fault]) -> None:
        self.faults = sorted(set(faults), key=_fault_key)
        super().__init__(self.report())

    def report(self) -> str:
        n = len(self.faults)
        head = f"Masthead found {n} problem{'s' if n != 1 else ''}; nothing was written:"
        return "\n".join([head, *("  " + f.format() for f in self.faults)])


def _fault_key(fault: Fault) -> tuple[str, int, str, str]:
    return (fault.file, fault.line or 0, fault.field, fault.message)


def describe(value: object) -> str:
    """What a wrong value is, for a message: "a mapping", "a list", "int 42", ..."""
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{str(value).lower()} (yes/no)"
    return f"{type(value).__name__} {value!r:.40}"
