"""Shared fixtures for the exercise-check tests."""

import pytest

from rnncourse.exercises.checking import reset_attempts


@pytest.fixture(autouse=True)
def fresh_attempts():
    """Every test starts with no recorded attempts, so hints wait for a request again.

    The checks count wrong attempts per exercise for the whole session (a second wrong
    attempt shows the hint); without this, a test's output would depend on which tests ran
    before it on the same worker.
    """
    reset_attempts()
    yield
    reset_attempts()
