# nbgrader settings of the rnncourse labs (nbgrader 0.9.6). This folder is the course
# folder: source/<lab>/<lab>.ipynb are the instructor versions; nbgrader writes release/,
# submitted/, autograded/, feedback/ and gradebook.db beside them (none is committed).
#
# `make labs`, `make grade` and `make check-lab` use it; so can formgrader or a JupyterHub
# exchange (see the README, "For instructors"). Run nbgrader from this folder, e.g.
#   cd labs && nbgrader generate_assignment stock_forecasting --force

c = get_config()  # noqa: F821 - nbgrader defines get_config when it reads this file

c.CourseDirectory.course_id = "rnncourse"

# The stubs learners see in place of the solutions.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Seconds one cell may run while grading before it is stopped (an endless loop costs that
# cell, not the whole run). Full-mode training cells take a few minutes on two CPU cores;
# `make grade` passes its own limit (300 s in fast mode, 900 s in full mode).
c.Execute.timeout = 900
# After stopping a cell, wait a little for the kernel to settle, and go on grading even if it
# is slow to (TensorFlow finishes its current step first); nbgrader 0.9.6 would otherwise
# abandon the whole notebook after 4 s.
c.Execute.iopub_timeout = 15
c.Execute.raise_on_iopub_timeout = False

# A graded cell a learner deleted is NOT put back by nbgrader here: nbgrader 0.9.6 then
# crashes on a notebook that also has a copied cell. `make grade` puts deleted cells back
# itself and reports copied ones by name before nbgrader sees the notebook.
c.OverwriteCells.add_missing_cells = False

# Where a JupyterHub exchange keeps released and collected labs (only used with an
# exchange; `make grade` needs none). Change it to your hub's shared folder.
c.Exchange.root = "/srv/nbgrader/exchange"
