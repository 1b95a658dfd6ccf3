"""Quantitative targets stated in running text."""

from __future__ import annotations

from ..read import Document
from ..schema import Row


def extract_targets(doc: Document, plan_id: str) -> list[Row]:
    """Not extracted yet: see issue 3."""
    return []
