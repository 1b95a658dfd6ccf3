"""Project boxes (专栏) and their items."""

from __future__ import annotations

from ..read import Document
from ..schema import Row


def extract_projects(doc: Document, plan_id: str) -> list[Row]:
    """Not extracted yet: see issue 3."""
    return []
