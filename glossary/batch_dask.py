"""`glossary batch` on a Dask cluster: one task a part, and a worker plugin that loads the glossary once.

Imported only for a Dask run (``--scheduler``, ``--dask-local``), so the local command does not import Dask.
Every worker must see the input, ``OUT.parts/`` and the seeds at the same paths (a shared file system).
"""

from __future__ import annotations

from collections.abc import Iterator

from distributed import WorkerPlugin, as_completed, get_worker

from glossary.batch import BatchError, GlossarySource, Job, Part, process_part
from glossary.index import Glossary


class GlossaryPlugin(WorkerPlugin):
    """A Dask worker plugin: each worker loads the glossary once, when it joins (or when the plugin arrives).

    Registered once per cluster (idempotent): a later run on the same cluster finds it loaded, and a task
    that needs other seeds or finds the seed data changed loads the glossary again, once.
    """

    name = "jcglossary"
    idempotent = True

    def __init__(self, source: GlossarySource):
        self.source = source
        self.glossary: Glossary | None = None

    def setup(self, worker) -> None:
        self.glossary = self.source.load()

    def teardown(self, worker) -> None:
        self.glossary = None


def _dask_task(job: Job, part: Part, source: GlossarySource, version: str) -> dict:
    plugin = get_worker().plugins[GlossaryPlugin.name]
    if plugin.source != source or plugin.glossary is None or plugin.glossary.version != version:
        plugin.source, plugin.glossary = source, source.load()
        if plugin.glossary.version != version:
            raise BatchError(f"the worker's seeds ({source.seeds}) hold data version {plugin.glossary.version}, "
                             f"not {version}: give every worker the same seeds")
    return process_part(plugin.glossary, job, part)


def run_dask(client, source: GlossarySource, version: str, job: Job, todo: list[Part]) -> Iterator[dict]:
    """The parts done on a Dask cluster, one task a part; markers as parts finish.

    Every worker must see the input, ``OUT.parts/`` and the seeds at the same paths (a shared file system).
    """
    client.register_plugin(GlossaryPlugin(source))
    n = len(todo)
    futures = client.map(_dask_task, [job] * n, todo, [source] * n, [version] * n, pure=False)
    return _finished(client, futures)


def _finished(client, futures) -> Iterator[dict]:
    try:
        for future in as_completed(futures):
            yield future.result()
    finally:
        client.cancel(futures)
