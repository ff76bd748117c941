"""Enumerations whose values are English codes and whose labels are the Chinese terms people read."""

from __future__ import annotations

from enum import StrEnum
from typing import Self


class LabelledEnum(StrEnum):
    """A ``StrEnum`` with a Chinese label per member; parses either the code or the label."""

    __labels__: dict[str, str]

    @property
    def label(self) -> str:
        return type(self).__labels__[str(self)]

    @classmethod
    def parse(cls, text: str) -> Self:
        """Accept the English code (``active``) or the Chinese label (``存续``)."""
        text = text.strip()
        for member in cls:
            if text == member.value or text == member.label:
                return member
        raise ValueError(text)

    @classmethod
    def choices(cls) -> str:
        return "、".join(f"{m.label}({m.value})" for m in cls)
