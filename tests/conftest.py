"""Shared test helpers: what a clear error looks like."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from rnncourse.errors import RNNCourseError


def raises_clearly(call: Callable[[], Any], kind: type[BaseException], *words: str) -> str:
    """Run ``call``; it must raise ``kind`` (a package error) whose message has ``words``.

    The words name the problem and the fix; matching ignores case. Returns the message.
    """
    with pytest.raises(kind) as caught:
        call()
    error = caught.value
    assert isinstance(error, RNNCourseError), f"{type(error).__name__} is not a package error"
    message = str(error)
    missing = [word for word in words if word.lower() not in message.lower()]
    assert not missing, f"message lacks {missing}: {message}"
    assert "Traceback" not in message
    return message


@pytest.fixture()
def expect_error() -> Callable[..., str]:
    """The :func:`raises_clearly` helper, as a fixture for the table-driven tests."""
    return raises_clearly
