"""Importers: one module per input format, each with one entry function."""
