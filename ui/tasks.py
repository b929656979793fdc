"""One helper to run long work off the GUI thread (unlock, import, printing a day's letters).

``run_task(fn, ...)`` runs ``fn`` on Qt's global thread pool and hands its result, its
error and its progress back to the GUI thread through queued signals. The worker
function never touches widgets: it gets plain arguments and, if it accepts a
``progress`` keyword, a callable ``progress(stage: str, fraction: float)`` that is safe
to call from the worker thread (the core's progress-callback convention).

Pattern after Picard's ``run_task``/``to_main``: the :class:`Task` object lives in the
GUI thread; the worker emits its signals, Qt queues them, and the task's slots call the
callbacks in the GUI thread. Callbacks bound to a widget that was deleted meanwhile
(the window was locked, the dialog closed) are skipped.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)

ProgressFn = Callable[[str, float], None]

_running: set[Task] = set()  # keeps tasks alive until their result is delivered


class Task(QObject):
    """Handle of one piece of background work; lives in the GUI thread."""

    progressed = Signal(str, float)
    succeeded = Signal(object)
    failed = Signal(object, str)  # exception, formatted traceback
    # worker -> GUI thread transport (queued into this object's thread)
    _w_progress = Signal(str, float)
    _w_done = Signal(object)
    _w_error = Signal(object, str)

    def __init__(
        self,
        owner: QObject | None,
        on_result: Callable[[Any], None] | None,
        on_error: Callable[[BaseException, str], None] | None,
        on_progress: ProgressFn | None,
    ) -> None:
        super().__init__()
        self._owner = owner
        self._on_result = on_result
        self._on_error = on_error
        self._on_progress = on_progress
        self.done = False
        self.cancelled = False
        self._w_progress.connect(self._deliver_progress, Qt.ConnectionType.QueuedConnection)
        self._w_done.connect(self._deliver_result, Qt.ConnectionType.QueuedConnection)
        self._w_error.connect(self._deliver_error, Qt.ConnectionType.QueuedConnection)

    def cancel(self) -> None:
        """Drop the result when it arrives (the work itself cannot be interrupted)."""
        self.cancelled = True

    def _owner_alive(self) -> bool:
        return not self.cancelled and (self._owner is None or shiboken6.isValid(self._owner))

    @Slot(str, float)
    def _deliver_progress(self, stage: str, fraction: float) -> None:
        if self._owner_alive():
            self.progressed.emit(stage, fraction)
            if self._on_progress is not None:
                self._on_progress(stage, fraction)

    @Slot(object)
    def _deliver_result(self, result: object) -> None:
        self.done = True
        _running.discard(self)
        if self._owner_alive():
            self.succeeded.emit(result)
            if self._on_result is not None:
                self._on_result(result)

    @Slot(object, str)
    def _deliver_error(self, error: object, details: str) -> None:
        self.done = True
        _running.discard(self)
        if not self._owner_alive():
            return
        assert isinstance(error, BaseException)
        self.failed.emit(error, details)
        if self._on_error is not None:
            self._on_error(error, details)
        else:
            from ui.errordialog import show_unexpected_error

            show_unexpected_error(error, details)


class _Runner(QRunnable):
    def __init__(
        self, task: Task, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._task = task
        self._fn = fn
        self._args = args
        self._kwargs = kwargs

    def run(self) -> None:  # worker thread: no widgets here
        task = self._task
        try:
            result = self._fn(*self._args, **self._kwargs)
        except BaseException as exc:
            details = traceback.format_exc()
            log.info("background task failed: %s", type(exc).__name__)
            task._w_error.emit(exc, details)
        else:
            task._w_done.emit(result)


def run_task(
    fn: Callable[..., Any],
    *args: Any,
    owner: QObject | None = None,
    on_result: Callable[[Any], None] | None = None,
    on_error: Callable[[BaseException, str], None] | None = None,
    on_progress: ProgressFn | None = None,
    with_progress: bool = False,
    pool: QThreadPool | None = None,
    **kwargs: Any,
) -> Task:
    """Run ``fn(*args, **kwargs)`` in a worker thread; callbacks run in the GUI thread.

    With ``with_progress=True`` the worker function gets ``progress=`` (a thread-safe
    callable); progress reports reach ``on_progress`` and ``Task.progressed``.
    Without ``on_error`` an error is shown in the unexpected-error dialog.
    """
    task = Task(owner, on_result, on_error, on_progress)
    if with_progress:

        def report(stage: str, fraction: float) -> None:
            task._w_progress.emit(str(stage), float(fraction))

        kwargs["progress"] = report
    _running.add(task)
    (pool or QThreadPool.globalInstance()).start(_Runner(task, fn, args, kwargs))
    return task


def running_tasks() -> int:
    """How many tasks have not delivered their result yet (for tests and on quit)."""
    return len(_running)
