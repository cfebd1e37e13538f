"""Typed keys by which services ask the unit of work for a repository port."""

from __future__ import annotations

from typing import Generic, TypeVar

T = TypeVar("T")


class RepoKey(Generic[T]):
    """A typed name for a repository port: ``REGISTRY: RepoKey[RegistryRepository]``.

    ``bootstrap`` maps each key's name to a concrete repository factory; services never import
    a ``store`` module.
    """

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"RepoKey({self.name!r})"
