"""Run mode, seeding and per-notebook settings."""

import random

import numpy as np
import pytest

from rnncourse import config


def test_mode_defaults_to_full(monkeypatch):
    monkeypatch.delenv(config.MODE_ENV, raising=False)
    assert config.get_mode() == "full"


@pytest.mark.parametrize("raw, expected", [("fast", "fast"), ("FULL", "full"), (" fast ", "fast")])
def test_mode_from_environment(monkeypatch, raw, expected):
    monkeypatch.setenv(config.MODE_ENV, raw)
    assert config.get_mode() == expected


def test_unknown_mode_names_the_choices(monkeypatch):
    monkeypatch.setenv(config.MODE_ENV, "quick")
    with pytest.raises(config.ConfigError, match="fast.*full"):
        config.get_mode()


def test_seed_override_and_bad_seed(monkeypatch):
    monkeypatch.setenv(config.SEED_ENV, "7")
    assert config.get_seed() == 7
    monkeypatch.setenv(config.SEED_ENV, "seven")
    with pytest.raises(config.ConfigError, match="not a whole number"):
        config.get_seed()


def test_seed_everything_makes_python_numpy_and_tensorflow_repeat():
    import tensorflow as tf

    def draw():
        return random.random(), np.random.rand(), float(tf.random.uniform(()))

    config.seed_everything(123)
    first = draw()
    config.seed_everything(123)
    assert draw() == first
    config.seed_everything(124)
    assert draw() != first


def test_every_notebook_has_both_modes_with_the_same_keys():
    for notebook, modes in config.NOTEBOOK_SETTINGS.items():
        assert set(modes) == set(config.MODES), notebook
        assert set(modes["fast"]) == set(modes["full"]), notebook


def test_start_notebook_prints_banner_and_returns_settings(monkeypatch, capsys):
    monkeypatch.setenv(config.MODE_ENV, "fast")
    run = config.start_notebook("01", seed=5)
    printed = capsys.readouterr().out
    assert "mode: fast" in printed and "seed: 5" in printed and "GPU:" in printed
    assert "tensorflow" in printed
    assert run.fast and run.seed == 5
    assert run.epochs == config.NOTEBOOK_SETTINGS["01"]["fast"]["epochs"]
    with pytest.raises(AttributeError, match="no run setting"):
        _ = run.no_such_setting


def test_unknown_notebook_lists_known_ones():
    with pytest.raises(config.ConfigError, match="known notebooks"):
        config.notebook_settings("99")
