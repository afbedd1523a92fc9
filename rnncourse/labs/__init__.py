"""The lab system: assignable labs on nbgrader, their student versions, grading and checks.

* :mod:`rnncourse.labs.course` - the nbgrader course folder ``labs/``, lab discovery, and
  the preflight checks (nbgrader's version, ``alembic`` on ``PATH``, a working loopback).
* :mod:`rnncourse.labs.cells` - nbgrader's marks in a notebook (grade ids, solution and
  hidden-test regions, labels of graded cells).
* :mod:`rnncourse.labs.generate` - student versions (``make labs``) and their checks.
* :mod:`rnncourse.labs.grade` - grading a folder of submissions (``make grade``).
* :mod:`rnncourse.labs.check` - a learner's run of the public tests (``make check-lab``).
* :mod:`rnncourse.labs.feedback` - feedback that names the mistake and hides test code.
* :mod:`rnncourse.labs.stock_forecasting`, :mod:`rnncourse.labs.text_generation` - the
  plumbing of each lab (data preparation, plots, fixed parts of the pipeline).

Nothing else in the package imports from here; importing this package loads neither
TensorFlow nor nbgrader. The command line is ``python -m rnncourse.labs --help``.
"""

from rnncourse.labs.course import course_root, lab_ids, source_notebook, student_notebook

__all__ = ["course_root", "lab_ids", "source_notebook", "student_notebook"]
