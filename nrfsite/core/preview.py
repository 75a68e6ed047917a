"""What an editor's preview shows that the public does not: said exactly, in the banner at the top of the page.

A preview renders a page with its drafts (`visible(preview=True)`). The banner names each draft part (the
page's own item, a draft section, a draft source a text cites) with a link to where it is, so an editor
knows what publishing would change; a part not named is what the public sees now.
"""

from dataclasses import dataclass, field


@dataclass
class DraftPart:
    label: str  # "the section “Structure”"
    anchor: str = ""  # where on the page it is, without the "#"


@dataclass
class PreviewNotice:
    noun: str  # what the page is of: "entity", "event", "source"
    page_is_draft: bool  # readers do not see the page (the public rule says so: the item, or a place it needs)
    parts: list[DraftPart] = field(default_factory=list)
    item_is_draft: bool | None = None  # the page's own item is a draft (default: page_is_draft)

    def __post_init__(self):
        if self.item_is_draft is None:
            self.item_is_draft = self.page_is_draft

    def add(self, label, anchor=""):
        self.parts.append(DraftPart(label, anchor))
        return self
