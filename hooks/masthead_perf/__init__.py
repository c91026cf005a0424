"""Masthead's speed layer facing MkDocs: where each concern lives (the work is in the core).

- ``speed.py``: the render cache plugin ``Speed`` — reading, Markdown ahead of MkDocs (a
  process pool on cold builds), template renders from the cache, the build's cleanup.
- ``pages.py``: how a page is rendered — ``MastheadPage`` (Markdown) and ``CachingTemplate``
  (Jinja).
- ``keys.py``: what a cached page render depends on (plain views of MkDocs' objects).
- ``shared.py``: parts the same on many pages (masthead, footer, rail), rendered once per build
  (the ``mh_shared`` Jinja global).
- ``serve.py``: what `mkdocs serve` keeps between rebuilds (pages left alone, files swept,
  the search index refreshed in the background).
- ``clock.py``: what the phase clock of ``make bench`` measures (``MASTHEAD_TIMINGS``).
- ``mkdocs_private.py``: the one private MkDocs API used, in one place.

The event file ``hooks/masthead_mkdocs.py`` imports this package (hooks/ is on ``sys.path``
while MkDocs imports a hook file) and adds ``Speed`` and ``PhaseClock`` in ``on_config``.
"""

from .clock import PhaseClock
from .serve import (
    WarningCount,
    article_html,
    index_later,
    keeps_feed,
    kept_documents,
    kept_sitemap,
    kept_stories,
    leave_serve,
    note_command,
    note_sitemap,
    wait_for_index,
    written,
)
from .shared import SharedParts
from .speed import Speed, wanted

__all__ = [
    "PhaseClock", "SharedParts", "Speed", "WarningCount", "article_html", "index_later", "keeps_feed",
    "kept_documents", "kept_sitemap", "kept_stories", "leave_serve", "note_command",
    "note_sitemap", "wait_for_index", "wanted", "written",
]
