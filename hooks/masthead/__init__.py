"""Masthead's core: a news catalog built from Markdown files, knowing nothing of MkDocs.

The MkDocs event file (``hooks/masthead_mkdocs.py``) wires these pure functions to the build.
"""
