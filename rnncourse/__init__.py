"""rnncourse: the shared code behind the course notebooks on recurrent neural networks.

The package is layered; each folder is one layer and imports only from the layers below
it (``docs/architecture.md`` draws the picture, ``tests/test_architecture.py`` checks it):

* :mod:`rnncourse.data` - the dataset registry, real datasets, generated sets and the
  preparation of sequences and text;
* :mod:`rnncourse.scratch` - recurrent networks from scratch in NumPy (no TensorFlow);
* :mod:`rnncourse.models` - Keras models and layers;
* :mod:`rnncourse.visuals` - diagrams, plots and widgets;
* :mod:`rnncourse.exercises` - checks that give learners targeted feedback;
* :mod:`rnncourse.labs` - the lab system for instructors.

At the top level: :mod:`rnncourse.config` (run mode, per-notebook sizes, seeding),
:mod:`rnncourse.training` (fit with progress and resumable backups),
:mod:`rnncourse.errors` (one base class for every error) and :mod:`rnncourse.validation`
(the argument checks every layer shares).
"""

from rnncourse.config import get_mode, quiet_tensorflow, seed_everything, start_notebook

quiet_tensorflow()  # before anything imports TensorFlow

__version__ = "0.1.0"
__all__ = ["__version__", "get_mode", "seed_everything", "start_notebook"]
