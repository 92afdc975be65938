"""Exporters: one module per output format, each with one entry function."""
