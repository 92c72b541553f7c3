"""Rows made ready to store: mapped, checked and keyed, here or in helpers.

Reading a row, mapping it, checking it with ``CaseIn`` and keying it costs
about twice what storing it does, and needs nothing of the database. So a
large file of one row per case is prepared by helper processes while the
importing process stores what they send. The helpers are forked: they start
at once, with the profile, the vocabularies and the keys already loaded.

Each helper reads the whole file but prepares only every n-th chunk of rows,
and the chunks are taken from the helpers in turn, so the rows arrive in the
file's order and an import gives the same result with or without helpers. A
helper runs at most one chunk ahead of the store: memory stays bounded. What
crosses the pipe is a prepared row, never a raw identifier: pseudonyms and
linkage keys are made in the helper, and problems in identifier columns lose
their value there.
"""

import hashlib
import logging
import multiprocessing
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Protocol

from flexwatch.accounts.pseudonyms import pseudonym
from flexwatch.cases import screening
from flexwatch.cases.record import CaseIn
from flexwatch.ingest import mapping
from flexwatch.ingest.problems import Problem
from flexwatch.ingest.profile import Profile
from flexwatch.ingest.readers import Format, Table, open_table

log = logging.getLogger(__name__)

CHUNK = 500


@dataclass
class Prepared:
    """A row's draft, its checked record (None if it has problems) and keys.

    ``reference`` is the pseudonym of the source's reference ("" if it has
    none) and ``digest`` what the row makes of its case, to tell an unchanged
    re-import; both are "" when there is nothing to find the case by.
    ``continuum`` is the level of the continuum the record meets.
    """

    draft: mapping.Draft
    data: CaseIn | None
    reference: str = ""
    digest: str = ""
    continuum: str = ""


class Preparer:
    """Turns drafts of one file into prepared rows."""

    def __init__(self, mapper: mapping.Mapper, keys: mapping.Keys, file: str):
        self.keys = keys
        self.file = file
        self.hidden = mapper.identifier_columns()

    def __call__(self, draft: mapping.Draft) -> Prepared:
        data = mapping.validated(draft, self.file)
        draft.problems = [self._hidden(p) for p in draft.problems]
        if data is None:
            return Prepared(draft, data)
        level = screening.record_level(data)
        if not draft.reference:
            return Prepared(draft, data, continuum=level)
        reference = pseudonym(self.keys.organisation, draft.reference, "source")
        return Prepared(draft, data, reference, digest(data, draft), level)

    def _hidden(self, problem: Problem) -> Problem:
        # A problem in an identifier's column never shows the value.
        if problem.column in self.hidden and problem.value:
            return replace(problem, value="")
        return problem


def digest(data: CaseIn, draft: mapping.Draft) -> str:
    """What a row made of the case: its record, pseudonyms and linkage keys."""
    hashed = hashlib.sha256(data.model_dump_json().encode())
    for keys in draft.persons:
        hashed.update(b"\x1e" + keys.pseudonym.encode())
        for kind, key in sorted((k.kind, k.digest) for k in keys.linkage):
            hashed.update(f"\x1f{kind}={key}".encode())
    return hashed.hexdigest()


class InProcess:
    """Prepared rows of an open table, made in this process."""

    def __init__(
        self, table: Table, drafts: Iterable[mapping.Draft], preparer: Preparer
    ):
        self.table = table
        self.drafts = drafts
        self.preparer = preparer

    @property
    def position(self) -> int:
        return self.table.position

    @property
    def empty_rows(self) -> int:
        return self.table.empty_rows

    def __iter__(self) -> Iterator[Prepared]:
        return map(self.preparer, self.drafts)


class Rows(Protocol):
    """Prepared rows as they come, and how far into the file they are."""

    @property
    def position(self) -> int: ...

    @property
    def empty_rows(self) -> int: ...

    def __iter__(self) -> Iterator[Prepared]: ...


@dataclass(frozen=True)
class Job:
    """What a helper needs to read and prepare the file on its own."""

    path: Path
    format: Format
    name: str
    profile: Profile
    keys: mapping.Keys


def can_help() -> bool:
    """Whether helpers can be forked here (not on Windows)."""
    return "fork" in multiprocessing.get_all_start_methods()


class Helpers:
    """Prepared rows made by ``count`` forked helpers, in the file's order."""

    def __init__(self, job: Job, count: int):
        self.job = job
        self.count = count
        self.position = 0
        self.empty_rows = 0

    def __iter__(self) -> Iterator[Prepared]:
        context = multiprocessing.get_context("fork")
        pipes: list[Connection] = []
        processes = []
        try:
            for index in range(self.count):
                receiving, sending = context.Pipe(duplex=False)
                process = context.Process(
                    target=_help,
                    args=(self.job, index, self.count, sending),
                    name=f"flexwatch-import-helper-{index}",
                    daemon=True,
                )
                process.start()
                sending.close()
                pipes.append(receiving)
                processes.append(process)
            yield from self._received(pipes)
        finally:
            # Also when the store stopped early: what a helper still holds
            # is not wanted.
            for process in processes:
                process.terminate()
            for process in processes:
                process.join()
            for pipe in pipes:
                pipe.close()

    def _received(self, pipes: list[Connection]) -> Iterator[Prepared]:
        turn = 0
        while True:
            message = _receive(pipes[turn % self.count])
            if message[0] == "end":
                self.empty_rows = message[1]
                return
            _kind, chunk, self.position = message
            yield from chunk
            turn += 1


def _receive(pipe: Connection) -> tuple[Any, ...]:
    try:
        message: tuple[Any, ...] = pipe.recv()
    except EOFError:
        raise RuntimeError("A helper process of the import stopped.") from None
    if message[0] == "error":
        raise message[1]
    return message


def _help(job: Job, index: int, count: int, pipe: Connection) -> None:
    """A helper's work: prepare chunk ``index``, ``index + count``, … of the rows."""
    chunk: list[Prepared] = []
    position = 0
    try:
        with open_table(job.path, job.format, name=job.name) as table:
            mapper = mapping.Mapper(job.profile, table.columns, job.keys, job.name)
            prepare = Preparer(mapper, job.keys, job.name)
            for number, row in enumerate(table.rows()):
                if number // CHUNK % count != index:
                    continue
                chunk.append(_slim(prepare(mapper.draft(row))))
                position = table.position
                if len(chunk) == CHUNK:
                    pipe.send(("rows", chunk, position))
                    chunk = []
            if chunk:
                pipe.send(("rows", chunk, position))
            pipe.send(("end", table.empty_rows))
    except Exception as error:
        log.debug("import helper %d stopped", index, exc_info=True)
        # The rows before a file's fault, as an import in one process has
        # them, then the fault.
        if chunk:
            pipe.send(("rows", chunk, position))
        pipe.send(("error", _picklable(error)))


def _slim(prepared: Prepared) -> Prepared:
    # The store needs neither the draft's values (the record has them) nor
    # the column names; leaving them out halves what crosses the pipe.
    prepared.draft = replace(prepared.draft, data={}, columns={})
    return prepared


def _picklable(error: Exception) -> Exception:
    try:
        multiprocessing.reduction.ForkingPickler.dumps(error)
    except Exception:
        return RuntimeError(f"A helper process of the import failed: {error!r}")
    return error
