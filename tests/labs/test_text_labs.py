"""The three text labs graded end to end with nbgrader in fast mode, as CI runs them.

For each lab (news_classification, imdb_sentiment, insincere_questions) one test item (see
``lab_scenarios``, shared with the other labs): the instructor version gets full marks, the
untouched student version zero, two known-wrong submissions lose exactly the points of their
mistake with feedback naming it (one lacks a test cell, the other holds a copied one, both
reported by name), an endless loop is stopped and named while the rest is graded, and no
feedback shows hidden-test code. Every failed check is listed in the item's message.
"""

from __future__ import annotations

import pytest
from lab_scenarios import Scenario, Wrong, check_edits_apply, grade_scenario, scenario_failures

SCENARIOS = [
    Scenario(
        lab="news_classification",
        wrong=(
            # balance() keeps the rows in the order of the shuffled input: the rare
            # categories gather at the end, where the validation rows are cut.
            Wrong("task1_balance",
                  "    return kept.iloc[rng.permutation(len(kept))].reset_index(drop=True)",
                  "    return kept.reset_index(drop=True)", 3,
                  "the order of the result depends on the category", delete="task6_tests"),
            Wrong("task3_model",
                  "keras.layers.Embedding(vocabulary_size, embedding_dim, mask_zero=True)",
                  "keras.layers.Embedding(vocabulary_size, embedding_dim)", 4,
                  "the Embedding does not mask the padding", copy="task4_tests"),
        ),
        answered="task1_balance", answered_tests="task1_tests", loop_cell="task5_predict"),
    Scenario(
        lab="imdb_sentiment",
        wrong=(
            Wrong("task4_early_stopping", 'monitor="val_loss"', 'monitor="loss"', 3,
                  "watch 'val_loss'", delete="task7_tests"),
            Wrong("task5_confusion", "np.add.at(counts, (labels, predicted), 1)",
                  "np.add.at(counts, (predicted, labels), 1)", 3,
                  "your matrix is transposed", copy="task6_tests"),
        ),
        answered="task1_padding", answered_tests="task1_tests", loop_cell="task6_mistakes"),
    Scenario(
        lab="insincere_questions",
        wrong=(
            Wrong("task4_metrics",
                  "f1 = 2 * precision * recall / (precision + recall) if precision + recall "
                  "else 0.0",
                  "f1 = (precision + recall) / 2", 3,
                  "F1 is the harmonic mean of precision and recall", delete="task6_tests"),
            Wrong("task2_model",
                  "mask_zero=True,\n                               trainable=trainable,",
                  "mask_zero=True,", 3,
                  "pass trainable=False to the Embedding layer", copy="task5_tests"),
        ),
        answered="task1_matrix", answered_tests="task1_tests", loop_cell="task5_threshold"),
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
