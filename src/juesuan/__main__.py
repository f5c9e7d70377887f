"""The `juesuan` command: `python -m juesuan`, and the console script (`juesuan.__main__:run`)."""


def run() -> None:
    """Set the process up for one short command, then run the CLI (juesuan.cli.console).

    A command allocates tens of thousands of objects and keeps most of them to the end (the taxonomy,
    the instance, lxml trees), so the cycle collector's default pace (a pass every 700 net allocations)
    mostly re-examines live objects: ~5 ms of a diff. Collecting every 50,000 keeps cycles collected
    at a pace that costs nothing measurable. It is set before click and the package are imported, so
    their imports benefit too; this is why the entry point lives here and imports the CLI itself.
    """
    import gc

    gc.set_threshold(50_000, 50, 50)
    from .cli import console

    console()


if __name__ == "__main__":
    run()
