"""Seeded, generated datasets: every one is made on the fly, offline, the same for a seed.

* :mod:`~rnncourse.data.generated.dates` - human-written dates to ISO (lessons 07, 08).
* :mod:`~rnncourse.data.generated.reviews` - phone reviews where word order decides the label.
* :mod:`~rnncourse.data.generated.intents` - chatbot requests in four intents.
* :mod:`~rnncourse.data.generated.synthetic_tasks` - look-ahead tagging, ambiguous words,
  frequency sequences (lesson 06).
* :mod:`~rnncourse.data.generated.recall` - the long-range recall task (lessons 03, 04).
* :mod:`~rnncourse.data.generated.motion_clips` - clips of moving digits and digit
  sequences (lesson 09).
"""
