"""The one private MkDocs API Masthead uses, kept here so a MkDocs fork (ProperDocs) or a new
release is handled in one place.

``populate_page`` reads a page and renders its Markdown with every plugin's page events, as
MkDocs' build loop does (``mkdocs.commands.build._populate_page``). Masthead needs it for one
case only: a `mkdocs serve` rebuild left pages out of MkDocs' loop, then found that the
templates' world changed after all (``serve.ServeKeeping.build_kept``). MkDocs has no public
way to do this: its loop also sets the private ``config._current_page`` that `!relative` paths
in mkdocs.yml read, so a copy of the loop would need private API too.
"""

from mkdocs.commands.build import _populate_page as populate_page

__all__ = ["populate_page"]
