"""Pictures: diagrams, curves, heatmaps, clips, and widgets that fall back to static figures.

* :mod:`~rnncourse.visuals.diagrams` - task shapes and the unrolled RNN.
* :mod:`~rnncourse.visuals.curves` - training curves, series and gradient norms.
* :mod:`~rnncourse.visuals.accuracy` - accuracy by length, position or group; confusion matrices.
* :mod:`~rnncourse.visuals.heatmaps` - attention and gate heatmaps.
* :mod:`~rnncourse.visuals.clips` - film strips and animations of video clips.
* :mod:`~rnncourse.visuals.widgets` - sliders and menus with a static fallback.
* :mod:`~rnncourse.visuals.attention_viewer`, :mod:`~rnncourse.visuals.gate_explorer` -
  the two interactive viewers.

Every plot function returns its ``Figure`` and never calls ``plt.show()`` itself.
"""
