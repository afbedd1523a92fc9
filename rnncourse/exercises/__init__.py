"""Exercise checks: run a learner's function against the reference and explain mistakes.

Each ``check_*`` function takes the learner's function, calls it on several random
inputs, and compares with the reference implementation. When the answer is wrong it
also compares with a list of *plausible mistakes* (no bias, no tanh, the target
inside the window, ...) and, if one matches, names it. An exercise not yet attempted
(the function still raises ``NotImplementedError`` or returns ``None``) prints a hint
and returns quietly, so the notebook still runs from top to bottom.

Every check returns a :class:`CheckResult`, which is truthy only when the answer is
right, so tests (and curious learners) can ``assert check_rnn_cell(my_cell)``.

Machinery lives in :mod:`rnncourse.exercises.checking`; each notebook's checks live in the
submodule named for its topic, and all of them are importable from here.
"""

from rnncourse.exercises.attention import check_scaled_dot_attention
from rnncourse.exercises.bidirectional import check_align_and_concat, check_pair_steps
from rnncourse.exercises.bptt import (
    check_backward_norms,
    check_clip_by_global_norm,
    check_rnn_backward,
    check_rnn_cell_backward,
)
from rnncourse.exercises.checking import (
    ERROR,
    FAILED,
    NOT_ATTEMPTED,
    PASSED,
    CheckResult,
    Mistake,
    run_check,
)
from rnncourse.exercises.gated_cells import check_gru_cell, check_lstm_cell, check_parameter_count
from rnncourse.exercises.rnn_cell import (
    check_letter_probabilities,
    check_rnn_cell,
    check_rnn_forward,
    check_rnn_parameter_count,
)
from rnncourse.exercises.seq2seq import check_beam_step, check_teacher_forcing_inputs
from rnncourse.exercises.sequential_data import (
    check_autocorrelation,
    check_make_windows,
    check_recurrent_forecaster,
    check_scale_without_leakage,
)
from rnncourse.exercises.text_classification import check_encode_sentence, check_pad_and_mask
from rnncourse.exercises.video import check_apply_per_frame, check_time_distributed_parameters

__all__ = [
    "ERROR", "FAILED", "NOT_ATTEMPTED", "PASSED", "CheckResult", "Mistake", "run_check",
    "check_make_windows", "check_scale_without_leakage", "check_autocorrelation",
    "check_recurrent_forecaster",
    "check_rnn_cell", "check_rnn_parameter_count", "check_rnn_forward",
    "check_letter_probabilities",
    "check_rnn_cell_backward", "check_rnn_backward", "check_backward_norms",
    "check_clip_by_global_norm",
    "check_lstm_cell", "check_gru_cell", "check_parameter_count",
    "check_encode_sentence", "check_pad_and_mask",
    "check_align_and_concat", "check_pair_steps",
    "check_teacher_forcing_inputs", "check_beam_step",
    "check_apply_per_frame", "check_time_distributed_parameters",
    "check_scaled_dot_attention",
]
