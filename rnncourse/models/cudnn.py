"""Will Keras run this LSTM or GRU on the fused cuDNN kernel? And if not, why not?

With the TensorFlow backend and a GPU, ``keras.layers.LSTM`` and ``keras.layers.GRU``
hand the whole sequence to one fused NVIDIA cuDNN call, many times faster than the
step-by-step loop. Keras documents the conditions, and Keras 3.15 checks them in
``keras/src/layers/rnn/{lstm,gru}.py`` and ``keras/src/backend/tensorflow/rnn.py``:

1. ``activation`` is tanh;
2. ``recurrent_activation`` is sigmoid (old code's ``"hard_sigmoid"`` loses it);
3. ``recurrent_dropout == 0`` (plain ``dropout`` is fine: Keras applies it to the
   inputs before the fused call, although some API pages list ``dropout == 0`` too);
4. ``unroll`` is False;
5. ``use_bias`` is True;
6. GRU only: ``reset_after`` is True;
7. ``use_cudnn`` is not False (it is ``"auto"`` by default; ``True`` makes an
   incompatible layer raise instead of falling back);
8. at run time: the TensorFlow backend and a visible GPU, and a mask, if any, that is
   strictly right-padded with no all-padding rows.

The pages also list "eager execution is enabled in the outermost context", a leftover
from tf.keras 2: Keras 3.15's code does not test it (the fused op is used inside
``model.fit``'s compiled function too).

Only the dedicated ``LSTM``/``GRU`` layers qualify: ``keras.layers.RNN(LSTMCell(...))``
and custom cells (such as :class:`rnncourse.models.peephole_cell.PeepholeLSTMCell`) always run the
generic loop. ``Bidirectional`` runs its two wrapped layers, each of which may use cuDNN.

:func:`cudnn_compatibility` checks the settings; ``mask=`` adds the mask check and
``check_runtime=True`` the backend/GPU check. :data:`CUDNN_RUNTIME_CAVEATS` lists what
the settings cannot tell.
"""

from __future__ import annotations

from typing import Any, Literal

import keras
import numpy as np

from rnncourse.errors import ArgumentTypeError, InputError

__all__ = [
    "CUDNN_RUNTIME_CAVEATS",
    "cudnn_compatibility",
    "cudnn_report",
    "mask_cudnn_problems",
]

CUDNN_RUNTIME_CAVEATS: tuple[str, ...] = (
    "cuDNN runs only with the TensorFlow backend and a GPU visible to TensorFlow; "
    "otherwise Keras silently uses the generic loop.",
    "Masks (from Embedding(mask_zero=True), Masking, or mask=) must be strictly "
    "right-padded, e.g. [1, 1, 1, 0, 0], with no row that is all padding. Left padding "
    "or gaps in the middle need use_cudnn=False (or pad on the right).",
    "Called eagerly, a layer with a bad mask falls back to the generic loop; inside a "
    "compiled tf.function (model.fit) Keras's mask assertion fails at run time instead "
    "(read from the Keras 3.15 source).",
    "With a right-padded mask and return_sequences=True, the cuDNN kernel returns zeros "
    "at padded steps, whereas the generic loop repeats the last real output; final "
    "states and return_sequences=False outputs agree.",
    "cuDNN layers disable XLA (jit_compile) for the model: Keras sets supports_jit=False.",
    "LSTM/GRU get_config() leaves use_cudnn out (Keras 3.15), so a saved and reloaded "
    "layer built with use_cudnn=False is back to 'auto'.",
)

_LAYER_DEFAULTS: dict[str, Any] = {
    "activation": "tanh",
    "recurrent_activation": "sigmoid",
    "recurrent_dropout": 0.0,
    "unroll": False,
    "use_bias": True,
    "reset_after": True,
    "use_cudnn": "auto",
}


def _activation_name(activation: Any) -> str:
    if activation is None:
        return "linear"
    if isinstance(activation, str):
        return activation
    if isinstance(activation, dict):
        return str(activation.get("config", activation.get("class_name", activation)))
    return getattr(activation, "__name__", type(activation).__name__)


def _is_same_function(activation: Any, name: str) -> bool:
    """Mirror Keras's identity test: is ``activation`` keras' (or tf's) tanh/sigmoid?"""
    try:
        function = keras.activations.get(activation)
    except (ValueError, TypeError):
        return False
    accepted = [getattr(keras.activations, name), getattr(keras.ops, name)]
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        accepted.append(getattr(tf, name))
    return any(function is candidate for candidate in accepted)


def _settings_from_layer(layer: Any) -> tuple[str, dict[str, Any]]:
    kind = type(layer).__name__
    cell = layer.cell
    settings = {
        "activation": cell.activation,
        "recurrent_activation": cell.recurrent_activation,
        "recurrent_dropout": cell.recurrent_dropout,
        "unroll": layer.unroll,
        "use_bias": cell.use_bias,
        "use_cudnn": getattr(layer, "use_cudnn", "auto"),
    }
    if kind == "GRU":
        settings["reset_after"] = cell.reset_after
    return kind, settings


def _settings_from_config(config: dict[str, Any],
                          kind: str | None) -> tuple[str, dict[str, Any]]:
    if "class_name" in config and isinstance(config.get("config"), dict):
        kind = kind or config["class_name"]
        config = config["config"]
    if kind is None:
        if "reset_after" in config:
            kind = "GRU"
        elif "unit_forget_bias" in config:
            kind = "LSTM"
        else:
            raise InputError(
                "Cannot tell whether this config is an LSTM or a GRU; pass kind='LSTM' or "
                "kind='GRU' (or the full {'class_name': ..., 'config': ...} dict)."
            )
    if kind not in ("LSTM", "GRU"):
        raise InputError(f"kind must be 'LSTM' or 'GRU'; got {kind!r}.")
    settings = {key: config.get(key, default) for key, default in _LAYER_DEFAULTS.items()}
    if kind == "LSTM":
        del settings["reset_after"]
    return kind, settings


def mask_cudnn_problems(mask: Any) -> list[str]:
    """Reasons a ``(batch, time)`` padding mask stops cuDNN; empty if it is fine.

    cuDNN takes one length per sequence, so every row must be some ``True`` steps
    followed only by ``False`` steps, and no row may be all ``False``.
    """
    mask = np.asarray(keras.ops.convert_to_numpy(mask)).astype(bool)
    if mask.ndim != 2:
        raise InputError(f"mask must be (batch, time); got shape {mask.shape}.")
    problems = []
    lengths = mask.sum(axis=1)
    right_padded = np.arange(mask.shape[1])[None, :] < lengths[:, None]
    bad_rows = np.flatnonzero((mask != right_padded).any(axis=1))
    if bad_rows.size:
        problems.append(
            f"mask is not strictly right-padded (rows {bad_rows[:5].tolist()} have padding "
            "on the left or gaps in the middle), which disables cuDNN"
        )
    empty_rows = np.flatnonzero(lengths == 0)
    if empty_rows.size:
        problems.append(
            f"mask has fully padded rows {empty_rows[:5].tolist()}, which disables cuDNN"
        )
    return problems


def _runtime_problems() -> list[str]:
    problems = []
    backend = keras.backend.backend()
    if backend != "tensorflow":
        problems.append(f"Keras backend is {backend!r}; the fused cuDNN path needs "
                        "'tensorflow'")
        return problems
    import tensorflow as tf

    if not tf.config.list_logical_devices("GPU"):
        problems.append("no GPU is visible to TensorFlow, so cuDNN cannot run")
    return problems


def cudnn_compatibility(layer_or_config: Any, *, kind: Literal["LSTM", "GRU"] | None = None,
                        mask: Any = None, check_runtime: bool = False,
                        ) -> tuple[bool, list[str]]:
    """Can this Keras LSTM/GRU use the fused cuDNN kernel? Which settings stop it?

    Args:
        layer_or_config: A ``keras.layers.LSTM`` or ``GRU`` (built or not), a
            ``Bidirectional`` wrapping one, any other layer (reported as never using
            cuDNN), or a config dict: ``layer.get_config()`` or the full
            ``{"class_name": ..., "config": ...}`` form. Missing keys take Keras's defaults.
        kind: ``"LSTM"`` or ``"GRU"`` for a bare config the function cannot classify.
        mask: Optionally a ``(batch, time)`` mask the layer will see; it is checked
            for right-padding (see :func:`mask_cudnn_problems`).
        check_runtime: Also require the TensorFlow backend and a visible GPU.

    Returns:
        ``(compatible, reasons)``: each reason names the setting, e.g.
        ``"recurrent_dropout=0.2 disables cuDNN (needs recurrent_dropout=0)"``. An empty
        list means the settings allow cuDNN; :data:`CUDNN_RUNTIME_CAVEATS` still apply.
    """
    if isinstance(layer_or_config, dict):
        kind, settings = _settings_from_config(layer_or_config, kind)
        reasons = _setting_problems(kind, settings)
    elif isinstance(layer_or_config, keras.layers.Bidirectional):
        reasons = []
        for wrapped in (layer_or_config.forward_layer, layer_or_config.backward_layer):
            for reason in cudnn_compatibility(wrapped)[1]:
                if reason not in reasons:
                    reasons.append(reason)
    elif isinstance(layer_or_config, (keras.layers.LSTM, keras.layers.GRU)):
        kind, settings = _settings_from_layer(layer_or_config)
        reasons = _setting_problems(kind, settings)
    elif isinstance(layer_or_config, keras.layers.Layer):
        cell = getattr(layer_or_config, "cell", None)
        what = type(cell).__name__ if cell is not None else type(layer_or_config).__name__
        reasons = [
            f"{type(layer_or_config).__name__} with {what} never uses cuDNN: only "
            "keras.layers.LSTM and keras.layers.GRU have the fused kernel"
        ]
    else:
        raise ArgumentTypeError(
            "Pass a Keras LSTM/GRU layer or its config dict; got "
            f"{type(layer_or_config).__name__}."
        )
    if mask is not None:
        reasons.extend(mask_cudnn_problems(mask))
    if check_runtime:
        reasons.extend(_runtime_problems())
    return not reasons, reasons


def _setting_problems(kind: str, settings: dict[str, Any]) -> list[str]:
    reasons = []
    for setting, wanted in (("activation", "tanh"), ("recurrent_activation", "sigmoid")):
        if not _is_same_function(settings[setting], wanted):
            name = _activation_name(settings[setting])
            reasons.append(f"{setting}={name!r} disables cuDNN (needs {setting}={wanted!r})")
    recurrent_dropout = settings["recurrent_dropout"]
    if recurrent_dropout:
        reasons.append(
            f"recurrent_dropout={recurrent_dropout!r} disables cuDNN (needs "
            "recurrent_dropout=0; use dropout= on the inputs instead)"
        )
    if settings["unroll"]:
        reasons.append("unroll=True disables cuDNN (needs unroll=False)")
    if not settings["use_bias"]:
        reasons.append("use_bias=False disables cuDNN (needs use_bias=True)")
    if kind == "GRU" and not settings["reset_after"]:
        reasons.append("reset_after=False disables cuDNN (needs reset_after=True)")
    if settings["use_cudnn"] is False:
        reasons.append("use_cudnn=False turns cuDNN off explicitly")
    return reasons


def cudnn_report(layer_or_config: Any, **kwargs: Any) -> str:
    """A short human-readable verdict for a notebook cell (arguments as above)."""
    compatible, reasons = cudnn_compatibility(layer_or_config, **kwargs)
    name = getattr(layer_or_config, "name", "this configuration")
    if compatible:
        lines = [f"{name}: settings allow the fused cuDNN kernel, provided that:"]
        lines += [f"  - {caveat}" for caveat in CUDNN_RUNTIME_CAVEATS[:2]]
    else:
        lines = [f"{name}: runs the generic step-by-step loop, because:"]
        lines += [f"  - {reason}" for reason in reasons]
    return "\n".join(lines)
