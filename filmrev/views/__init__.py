"""View modules: the only places besides ``filmrev/render.py`` that build Rich renderables.

A view is a pure function, data in, renderable out: no library access, no printing, no
clock (a command passes ``now`` when a view shows ages). A command gets its data from the
library, calls the view and prints the result on ``stdout_console()`` or
``stderr_console()`` from :mod:`filmrev.commands.common`, the one place consoles are made.
``tests/test_views_only.py`` holds the rule.
"""
