"""rnncourse: the shared code behind the course notebooks on recurrent neural networks.

Modules, each named for what it holds:

* :mod:`rnncourse.config` - run mode (fast/full), per-notebook sizes, seeding, banner.
* :mod:`rnncourse.data` - the dataset registry, offline loaders and verified downloads.
* :mod:`rnncourse.sequences` - windows, chronological splits, scalers, one-hot, vocabularies.
* :mod:`rnncourse.numpy_rnn` - a NumPy tanh RNN cell and forward pass, in Keras's layout.
* :mod:`rnncourse.bptt` - NumPy RNN forward/backward (BPTT), clipping, gradient checks.
* :mod:`rnncourse.text` - offline English text and character vocabularies.
* :mod:`rnncourse.numpy_gated` - NumPy LSTM and GRU cells equal to Keras's layers.
* :mod:`rnncourse.peephole` - a peephole LSTM cell for ``keras.layers.RNN`` and its twin.
* :mod:`rnncourse.cudnn` - whether a Keras LSTM/GRU can use the fused cuDNN kernel.
* :mod:`rnncourse.long_range` - the long-range recall task (notebooks 03 and 04).
* :mod:`rnncourse.gate_inspection` - gate activations of a trained LSTM, heatmaps, explorer.
* :mod:`rnncourse.review_corpus` - generated phone reviews where word order decides the label.
* :mod:`rnncourse.text_models` - text encoding, bag-of-words and recurrent classifiers.
* :mod:`rnncourse.synthetic_tasks` - seeded look-ahead, tagging and frequency tasks.
* :mod:`rnncourse.bidirectional` - NumPy bidirectional pass, five merges, a max-merge layer.
* :mod:`rnncourse.pyramid` - stacked and pyramid RNN builders, step counts, timing.
* :mod:`rnncourse.dates` - the human-written dates to ISO task (generator, codec, splits).
* :mod:`rnncourse.seq2seq` - encoder-decoder, teacher forcing, greedy and beam search, metrics.
* :mod:`rnncourse.numpy_attention` - NumPy dot-product and additive attention equal to Keras.
* :mod:`rnncourse.attention_models` - seq2seq with attention: build, decode, alignments.
* :mod:`rnncourse.attention_viewer` - pick an example and see its attention heatmap.
* :mod:`rnncourse.video_clips` - offline clips of moving digits and digit-sequence images.
* :mod:`rnncourse.video_models` - single-frame CNN, CRNN and ConvLSTM models for clips.
* :mod:`rnncourse.plotting` - training curves, task-shape and unrolled-RNN diagrams.
* :mod:`rnncourse.widgets` - interactive plots with a static fallback.
* :mod:`rnncourse.exercises` - checks that give learners targeted feedback.
"""

from rnncourse.config import get_mode, seed_everything, start_notebook

__version__ = "0.1.0"
__all__ = ["__version__", "get_mode", "seed_everything", "start_notebook"]
