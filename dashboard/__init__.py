"""The teaching dashboard and its lessons (the optional ``[dashboard]`` extra).

- :mod:`dashboard.lessons`: lesson presets and :class:`~dashboard.lessons.ClassroomModel`, the
  workforce model built from the page's flat controls (needs no extra).
- :mod:`dashboard.app`: the Mesa SolaraViz page (needs solara: ``pip install -e ".[dashboard]"``).
- :mod:`dashboard.server`: the command that serves the page (``python -m dashboard``).
- :mod:`dashboard.lesson_figures`: static lesson figures for classrooms without a server.

Nothing here is imported by ``sim``, ``analysis`` or ``experiments``, so those work without
the extra; importing this package imports none of its modules.
"""
