"""Shared test settings; the browser tests skip, with the reason shown, without Chromium."""

import logging

import pytest
from browser_requirement import chromium_executable, skip_reason

logging.getLogger("MESA").setLevel(logging.WARNING)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip the ``browser`` tests when Chromium is missing, except under CI (``CI=true``)."""
    reason = skip_reason(chromium_executable())
    if reason is None:
        return
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(pytest.mark.skip(reason=reason))
