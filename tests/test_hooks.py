"""The MkDocs event file itself: behaviour that only shows in `mkdocs serve`."""

from __future__ import annotations

import importlib.util
import logging
from types import ModuleType, SimpleNamespace

import pytest
from mkdocs.exceptions import Abort

from tests.conftest import ROOT


def load_hooks() -> ModuleType:
    spec = importlib.util.spec_from_file_location("masthead_hooks_test", ROOT / "hooks/masthead_mkdocs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_failed_rebuild_in_serve_logs_and_keeps_serving(caplog: pytest.LogCaptureFixture) -> None:
    hooks = load_hooks()
    calls: list[str] = []

    def failing_build() -> None:
        calls.append("build")
        raise Abort("Aborted with a BuildError!")

    server = SimpleNamespace(builder=failing_build)
    hooks.on_serve(server)
    with caplog.at_level(logging.ERROR):
        server.builder()  # must not raise: an exception here stops or tracebacks the watcher
    assert calls == ["build"]
    assert "not rebuilt" in caplog.text


def test_other_errors_are_not_hidden() -> None:
    hooks = load_hooks()

    def broken_build() -> None:
        raise RuntimeError("a bug in Masthead")

    server = SimpleNamespace(builder=broken_build)
    hooks.on_serve(server)
    with pytest.raises(RuntimeError):
        server.builder()
