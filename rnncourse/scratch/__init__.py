"""Recurrent networks from scratch in NumPy, each checked against the Keras layer it explains.

Built like Keras's recurrent layers: a cell module holds one time step, and one runner
runs any cell over time.

* :mod:`~rnncourse.scratch.runner` - :func:`run_rnn`, the mirror of ``keras.layers.RNN(cell)``.
* :mod:`~rnncourse.scratch.rnn_cell` - the tanh RNN cell (forward and backward step).
* :mod:`~rnncourse.scratch.lstm`, :mod:`~rnncourse.scratch.gru`,
  :mod:`~rnncourse.scratch.peephole` - the gated cells.
* :mod:`~rnncourse.scratch.bptt` - backpropagation through time, clipping, gradient checks.
* :mod:`~rnncourse.scratch.attention` - dot-product and additive attention.
* :mod:`~rnncourse.scratch.bidirectional` - the two-direction pass and its merges.
* :mod:`~rnncourse.scratch.activations`, :mod:`~rnncourse.scratch.gate_layout` - what the
  cells share.

Nothing in this layer imports TensorFlow or Keras (a test checks).
"""

from rnncourse.scratch.runner import CellStep, SequenceResult, run_rnn

__all__ = ["CellStep", "SequenceResult", "run_rnn"]
