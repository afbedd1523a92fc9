"""The stock-forecasting and text-generation labs graded end to end with nbgrader in fast mode.

Each lab is one test item (see ``lab_scenarios``): the instructor version gets full marks,
the untouched student version zero, two known-wrong submissions lose exactly the points of
their mistake with feedback naming it (one lacks a test cell, the other holds a copied one,
both reported by name), an endless loop is stopped and named while the rest is graded, and no
feedback shows hidden-test code. Every failed check is listed in the item's message.
"""

from __future__ import annotations

import pytest
from lab_scenarios import Scenario, Wrong, check_edits_apply, grade_scenario, scenario_failures

SCENARIOS = [
    Scenario(
        lab="stock_forecasting",
        wrong=(
            Wrong("task1_scaling", "StandardScaler().fit(np.asarray(train, dtype=float))",
                  "StandardScaler().fit(np.concatenate([train, test]))", 3,
                  "the test prices leaked into the scaling", delete="task8_tests"),
            Wrong("task2_windows", "series[i + window:i + window + horizon]",
                  "series[i + window - 1:i + window - 1 + horizon]", 4,
                  "your targets are shifted by one step", copy="task3_tests"),
        ),
        answered="task1_scaling", answered_tests="task1_tests", loop_cell="task7_returns"),
    Scenario(
        lab="text_generation",
        wrong=(
            Wrong("task1_punctuation",
                  'return "".join(char for char in text.lower()\n'
                  '                   if char not in string.punctuation\n'
                  '                   and not unicodedata.category(char).startswith("P"))',
                  'return "".join(" " if char in string.punctuation\n'
                  '                   or unicodedata.category(char).startswith("P") else char\n'
                  '                   for char in text.lower())', 2,
                  "punctuation should be deleted, not replaced by spaces", delete="task6_tests"),
            Wrong("task3_model", "        keras.layers.LSTM(units),\n",
                  "        keras.layers.LSTM(units),\n        keras.layers.Dropout(DROPOUT),\n", 4,
                  "the assignment removes the dropout before the dense layer",
                  copy="task8_tests"),
        ),
        answered="task1_punctuation", answered_tests="task1_tests", loop_cell="task8_entropy"),
]
IDS = [scenario.lab for scenario in SCENARIOS]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=IDS)
def test_the_scenario_fits_the_current_instructor_version(scenario):
    check_edits_apply(scenario)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=IDS)
def test_the_lab_is_graded_as_an_instructor_needs(scenario, tmp_path):
    graded = grade_scenario(scenario, tmp_path)
    failures = scenario_failures(graded)
    assert not failures, "\n\n".join(failures)
