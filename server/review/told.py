"""One complete list of missing items (S4 §三(二) 一次性告知).

S4 §三(二): "申报材料不齐全或者不符合形式要求的，一次性告知企业需要补正的全部内容" — the county
tells the plant *everything* to supply at once. So a second return for supplement may not bring
up something the county could have named the first time. What it may list:

* an item of an earlier list that the supplement left unfixed (the item's text, or a line that
  names it: "排污许可证副本" → "排污许可证副本已过期"), and
* a problem of material the supplement itself introduced: a supplement records what it brought
  (``supplied_items``, each piece named), and a later item that names one of those pieces is
  about the supplement, not about the first filing.

Items are identified by their text, stripped (``server.review.service`` drops blanks and
repeats). "Names" means the later item contains the earlier item's text or the supplied piece's
name, whole: a fragment of it ("报告" for "监测报告") names nothing.

Pure: no session, no actor.
"""

from __future__ import annotations

from collections.abc import Iterable


def _names(item: str, reference: str) -> bool:
    return reference in item


def items_not_told_before(
    items: list[str], *, told: Iterable[str], supplied: Iterable[str]
) -> list[str]:
    """The items of a later return that name neither an item told before nor a piece of
    material a supplement brought, in the order given (empty: the list may stand)."""
    references = [text for text in (*told, *supplied) if text]
    return [item for item in items if not any(_names(item, ref) for ref in references)]
