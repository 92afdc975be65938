"""CLI commands, one module per noun; each registers itself on the apps in ``commands.common``."""
