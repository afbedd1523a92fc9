"""The two viewers in a notebook: shown once, menus wide enough, every control redraws."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from rnncourse.models.gates import GateRecording  # noqa: E402
from rnncourse.scratch.activations import softmax  # noqa: E402
from rnncourse.visuals import attention_viewer, gate_explorer  # noqa: E402
from rnncourse.visuals.widgets import STATIC_ENV  # noqa: E402

LINES = ["Beautiful is better than ugly.", "Explicit is better than implicit."]


def _recording(text, seed, units=6, cell="LSTM"):
    rng = np.random.default_rng(seed)
    names = ["forget gate", "input gate", "cell state"]
    return GateRecording(text, cell, {name: rng.random((len(text), units)) for name in names})


@pytest.fixture
def recordings():
    return [_recording(text, seed) for seed, text in enumerate(LINES)]


@pytest.fixture
def drawn(monkeypatch):
    """Every heatmap the viewers draw, as (text or title, first axis title)."""
    calls = []
    real_gates, real_attention = gate_explorer.plot_gate_heatmap, \
        attention_viewer.plot_attention_heatmap

    def gates(panels, text, **kwargs):
        calls.append((text, next(iter(panels)), np.shape(next(iter(panels.values())))))
        return real_gates(panels, text, **kwargs)

    def attention(weights, source, output, **kwargs):
        calls.append(("".join(source), kwargs.get("title"), np.shape(weights)))
        return real_attention(weights, source, output, **kwargs)

    monkeypatch.setattr(gate_explorer, "plot_gate_heatmap", gates)
    monkeypatch.setattr(attention_viewer, "plot_attention_heatmap", attention)
    return calls


def test_gate_explorer_shows_once_and_every_control_redraws(shell, run_cell, recordings,
                                                             drawn):
    shell.user_ns.update(gate_explorer=gate_explorer.gate_explorer, recordings=recordings)
    outputs = run_cell("gate_explorer(recordings, units_to_show=5)")
    assert len(outputs) == 1 and len(outputs.widget_views()) == 1
    assert outputs[0]["image/png"].startswith(b"\x89PNG")
    panel = shell.user_ns["_"]  # the cell's result: the panel it already showed
    line, quantity, units = panel.children[:3]
    assert [c.description for c in (line, quantity, units)] == ["line", "quantity", "units"]
    assert list(line.options) == ["0: " + LINES[0], "1: " + LINES[1]]
    assert list(quantity.options) == ["forget gate", "input gate", "cell state"]
    assert (units.min, units.max, units.value) == (2, 5, 5)
    assert drawn == [(LINES[0], "forget gate", (len(LINES[0]), 5))]
    line.value = line.options[1]
    quantity.value = "cell state"
    units.value = 3
    assert drawn[1:] == [(LINES[1], "forget gate", (len(LINES[1]), 5)),
                         (LINES[1], "cell state", (len(LINES[1]), 5)),
                         (LINES[1], "cell state", (len(LINES[1]), 3))]


def test_gate_explorer_refuses_mixed_or_missing_recordings(recordings):
    with pytest.raises(ValueError, match="at least one GateRecording"):
        gate_explorer.gate_explorer([])
    with pytest.raises(ValueError, match="same layer"):
        gate_explorer.gate_explorer([recordings[0], _recording("other", 3, units=4)])
    with pytest.raises(ValueError, match="units_to_show must be"):
        gate_explorer.gate_explorer(recordings, units_to_show=0)


def test_gate_explorer_static_shows_the_first_line(monkeypatch, recordings):
    monkeypatch.setenv(STATIC_ENV, "1")
    figure = gate_explorer.gate_explorer(recordings)
    assert "forget gate" in figure.axes[0].get_ylabel()
    assert "".join(t.get_text() for t in figure.axes[0].get_xticklabels()).replace("\u2423", " ") \
        == LINES[0]
    plt.close(figure)


def _dates():
    sources = ["3 March 2009", "the seventeenth of August, twenty twenty-two", "1/2/03"]
    predictions = ["2009-03-03", "2022-08-17", "2003-02-01"]
    expected = ["2009-03-03", "2022-08-17", "2003-01-02"]
    weights = softmax(np.random.default_rng(0).normal(size=(3, 10, max(map(len, sources)))))
    weights = [w[:, :len(s)] for w, s in zip(weights, sources, strict=True)]
    padded = np.zeros((3, 10, max(map(len, sources))))
    for row, w in enumerate(weights):
        padded[row, :, :w.shape[1]] = w
    return padded, sources, predictions, expected


def test_alignment_viewer_menu_fits_its_longest_label_and_redraws(shell, run_cell, drawn):
    weights, sources, predictions, expected = _dates()
    shell.user_ns.update(viewer=attention_viewer.alignment_viewer, weights=weights,
                         sources=sources, predictions=predictions, expected=expected)
    # Lesson 08's cell: the viewer, then plt.show(); one panel, with its static figure.
    outputs = run_cell("viewer(weights, sources, predictions, expected, choices=[2, 1])\n"
                       "plt.show()")
    assert len(outputs) == 1 and len(outputs.widget_views()) == 1
    assert outputs[0]["image/png"].startswith(b"\x89PNG")
    run_cell("panel = viewer(weights, sources, predictions, expected, choices=[2, 1])")
    menu = shell.user_ns["panel"].children[0]
    labels = attention_viewer.example_labels(sources, predictions, expected)
    assert menu.description == "example" and list(menu.options) == [labels[2], labels[1]]
    longest = max(len(label) for label in menu.options)
    assert f"{longest}ch" in menu.layout.width, menu.layout.width
    assert menu.style.description_width == "8ch"
    assert drawn[-1][0] == sources[2] and "want 2003-01-02" in drawn[-1][1]
    menu.value = labels[1]
    assert drawn[-1][0] == sources[1]
