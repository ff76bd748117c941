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
        lookup: dict[str, Self] | None = cls.__dict__.get("_lookup_")
        if lookup is None:
            lookup = {key: m for m in cls for key in (m.value, m.label)}
            type.__setattr__(cls, "_lookup_", lookup)
        try:
            return lookup[text.strip()]
        except KeyError:
            raise ValueError(text) from None

    @classmethod
    def choices(cls) -> str:
        return "、".join(f"{m.label}({m.value})" for m in cls)
