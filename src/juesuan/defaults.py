"""Defaults shared by the library and the CLI, in a module that imports nothing (CLI start-up)."""

DEFAULT_TAXONOMY = "juesuan-1.0"
DEFAULT_LAYOUT = "2021-hunan"  # the layout of the shipped reference report and of `juesuan template`
