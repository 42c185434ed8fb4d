"""The forked parser for big native SQMS CSV imports: a child process parses, maps and checks
the file (:func:`~sqms.surveys.vector_plan.prepare_answers`) chunk by chunk while
:func:`sqms.surveys.actions.do_import_file` writes the chunks already sent.

The child touches no database; it only reads the file and puts chunks on a queue.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqms.surveys import column_writer
from sqms.surveys.vector_plan import VectorPlan, prepare_answers

#: native CSV files at least this big are parsed in a second process while this one writes
PIPELINE_MIN_BYTES = 16 << 20


def native_chunks(
    path: str, reader: Any, plan: Any, cell_errors: list[Any], vplan: VectorPlan | None
) -> Iterator[tuple[Any, Any]]:
    """``(chunk, prepared)`` for each chunk of ``reader.iter_chunks(plan, cell_errors)`` — for a
    big file, in a forked child process that also runs :func:`prepare_answers` (with
    ``vplan``), so parsing, mapping and checking overlap with the writing here.

    Only from a single-threaded process (forking one with threads is unsafe), where ``fork``
    exists. The child reads the file on its own and touches nothing else (no database); the
    cell errors and a format error come back with the chunks, in order.
    """
    import multiprocessing
    import os
    import queue as queues
    import threading

    if (
        os.path.getsize(path) < PIPELINE_MIN_BYTES
        or threading.active_count() > 1
        or "fork" not in multiprocessing.get_all_start_methods()
    ):
        for chunk in reader.iter_chunks(plan, cell_errors, chunk=column_writer.CHUNK):
            yield chunk, None
        return
    from sqms.surveys import importers

    ctx = multiprocessing.get_context("fork")
    q: Any = ctx.Queue(maxsize=6)
    proc = ctx.Process(target=_parse_native_child, args=(path, plan, vplan, q), daemon=True)
    proc.start()
    try:
        while True:
            try:
                kind, obj, errors = q.get(timeout=5)
            except queues.Empty:
                if not proc.is_alive():
                    raise RuntimeError("the CSV parser process ended unexpectedly") from None
                continue
            cell_errors.extend(errors)
            if kind == "chunk":
                yield obj
            elif kind == "end":
                return
            elif kind == "format":
                code, params, line, column = obj
                raise importers.ImportFormatError(code, line=line, column=column, **params)
            else:
                raise RuntimeError(f"the CSV parser process failed: {obj}")
    finally:
        if proc.is_alive():
            proc.terminate()
        proc.join()
        q.close()


def _parse_native_child(path: str, plan: Any, vplan: VectorPlan | None, q: Any) -> None:
    from sqms.surveys import importers

    errors: list[Any] = []
    sent = 0
    try:
        with open(path, "rb") as stream:
            reader = importers.NativeReader(stream)
            for chunk in reader.iter_chunks(plan, errors, chunk=column_writer.CHUNK):
                prepared = None
                if vplan is not None and len(chunk):
                    prepared = prepare_answers(vplan, chunk.answers, len(chunk))
                    dates = chunk.submitted_at
                    if prepared and all(d is not None and d.tzinfo is not None for d in dates):
                        ts = vplan.np.array([d.timestamp() for d in dates])  # type: ignore[union-attr]
                        prepared = (prepared[0], prepared[1], ts)
                q.put(("chunk", (chunk, prepared), errors[sent:]))
                sent = len(errors)
        q.put(("end", None, errors[sent:]))
    except importers.ImportFormatError as exc:
        q.put(("format", (exc.code, exc.params, exc.line, exc.column), errors[sent:]))
    except BaseException as exc:  # noqa: BLE001 — reported to the parent, which raises
        q.put(("crash", repr(exc), errors[sent:]))
