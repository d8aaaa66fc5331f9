"""Imported once by the local pool's forkserver, before it forks any worker (``set_forkserver_preload``).

Why a module: a forkserver's preload is a list of modules to import, and every worker forked from it
starts with their imports and side effects done. Importing this one imports the trial code and runs
`worker.warm_up` (the installed tentacles imported and their schemas checked), which a worker would
otherwise pay before its first trial, in every new process.
"""

from __future__ import annotations

from octobot.optimizer import worker

worker.warm_up()
