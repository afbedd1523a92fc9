"""The data layer: the dataset registry, one module per real dataset, generated sets, preparation.

* :mod:`rnncourse.data.registry` - the registry, offline lookup and the verified download.
* :mod:`rnncourse.data.weather` - Seattle's daily weather (lesson 01).
* :mod:`rnncourse.data.imdb` - the IMDB movie reviews (lesson 05).
* :mod:`rnncourse.data.python_texts` - English texts that ship with Python (the Zen of Python).
* :mod:`rnncourse.data.sequences` - windows, chronological splits, scalers, one-hot, vocabularies.
* :mod:`rnncourse.data.text` - the text pipeline: tokens, padding, masks, characters.
* :mod:`rnncourse.data.generated` - seeded synthetic sets (dates, reviews, intents, tasks, clips).

Nothing here imports a model, a plot or an exercise. Importing the package registers
every real dataset, so :func:`load` knows them all.
"""

from rnncourse.data import imdb, weather  # noqa: F401  (each registers its dataset)
from rnncourse.data.registry import (
    data_dir,
    dataset_info,
    download,
    list_datasets,
    load,
    locate,
)

__all__ = ["data_dir", "dataset_info", "download", "list_datasets", "load", "locate"]
