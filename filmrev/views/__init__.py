"""View modules: the only places besides ``filmrev/render.py`` that build Rich renderables."""
