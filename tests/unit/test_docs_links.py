"""Every relative link of README.md and docs/*.md points at a file of the repository, and every #anchor at a
heading of that file (GitHub's anchors: lower case, punctuation dropped, spaces as -). Pure Python."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

PROJECT_ROOT = Path(__file__).resolve().parents[2]
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def anchors(markdown: str) -> set[str]:
    headings = re.findall(r"^#+\s+(.*)$", re.sub(r"```.*?```", "", markdown, flags=re.S), flags=re.M)
    return {re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-") for heading in headings}


def broken_links(document: Path) -> list[str]:
    broken = []
    for target in LINK.findall(document.read_text()):
        if re.match(r"^[a-z]+:", target):
            continue
        path, _, anchor = target.partition("#")
        linked = (document.parent / path).resolve() if path else document
        if not linked.exists():
            broken.append(target)
        elif anchor and linked.suffix == ".md" and anchor not in anchors(linked.read_text()):
            broken.append(target)
    return broken


def test_links_of_the_readme_and_docs_resolve():
    documents = [PROJECT_ROOT / "README.md", *sorted((PROJECT_ROOT / "docs").glob("*.md"))]
    assert len(documents) > 1
    broken = {document.name: links for document in documents if (links := broken_links(document))}
    assert broken == {}


def test_anchors_follow_github(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("# Scheduling, retraining and rollback\n## A customer table instead of order lines\n"
                    "[ok](#scheduling-retraining-and-rollback) [gone](#nowhere) [file](missing.md)\n")
    assert broken_links(page) == ["#nowhere", "missing.md"]
