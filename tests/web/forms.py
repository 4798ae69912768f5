"""Reading a card's form out of a rendered page, as a browser would submit it unchanged."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any


class _CardForm(HTMLParser):
    def __init__(self, card_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.card_id = card_id
        self.depth = 0  # >0 while inside the card's <article>
        self.fields: dict[str, list[str]] = {}
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "article":
            if self.depth or a.get("id") == self.card_id:
                self.depth += 1
            return
        if not self.depth or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("radio", "checkbox") and "checked" not in a:
                return
            self.fields.setdefault(name, []).append(a.get("value", ""))
        elif tag == "select" and name:
            self._select = name
            self.fields.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in a:
            self.fields[self._select].append(a.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "article" and self.depth:
            self.depth -= 1
        elif tag == "select":
            self._select = None


def card_form(html: str, number: int) -> dict[str, Any]:
    """The fields card ``number`` would submit (lists for repeated names, e.g. ``op.name``)."""
    parser = _CardForm(f"card-{number}")
    parser.feed(html)
    return {k: v if len(v) != 1 else v[0] for k, v in parser.fields.items()}
