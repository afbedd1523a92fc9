"""Keras models and layers the lessons train.

* :mod:`~rnncourse.models.peephole_cell` - a peephole LSTM cell for ``keras.layers.RNN``.
* :mod:`~rnncourse.models.bidirectional` - a bidirectional wrapper with every merge, taggers.
* :mod:`~rnncourse.models.pyramid` - stacked and pyramid RNNs, forward-pass timing.
* :mod:`~rnncourse.models.text_classifiers` - bag-of-words and recurrent text classifiers.
* :mod:`~rnncourse.models.seq2seq` - the LSTM encoder-decoder.
* :mod:`~rnncourse.models.attention_seq2seq` - seq2seq with attention and its alignments.
* :mod:`~rnncourse.models.decoding` - greedy and beam search for any step function.
* :mod:`~rnncourse.models.metrics` - exact match, accuracy by length, token accuracy.
* :mod:`~rnncourse.models.video` - single-frame CNN, CRNN and ConvLSTM for clips.
* :mod:`~rnncourse.models.recall` - the recall task's models, comparison and cache.
* :mod:`~rnncourse.models.gates` - gate activations of a trained LSTM or GRU.
* :mod:`~rnncourse.models.cudnn` - whether a layer can use the fused cuDNN kernel.
"""
