"""The stage runner: fingerprint each stage, skip it when unchanged, else run it and record it.

A :class:`Stage` names its parents, its version and what else its output depends on
(:meth:`Stage.key`); its fingerprint hashes the parents' fingerprints, ``name@version`` and that
key (HF datasets' fingerprinted transforms). Fields that cannot change the output (concurrency,
timeouts, progress bars) stay out of the key. Stage outputs are written atomically by the stage;
the manifest records the stage last, so a killed run never leaves a stage that looks finished.
"""

from __future__ import annotations

import logging
import resource
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from cliokit.backends.calls import StageUsage
from cliokit.config import Config, stable_hash
from cliokit.rundir import RunDir

if TYPE_CHECKING:
    from cliokit.embedders import Embedder
    from cliokit.facets import FacetExtractor
    from cliokit.hierarchy import HierarchyBuilder
    from cliokit.name import Namer
    from cliokit.privacy import Auditor

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Components:
    """The swappable parts a run uses where Clio uses a model (BERTopic's pluggable representations).

    ``auditor`` is None when the audit is switched off.
    """

    facets: FacetExtractor
    namer: Namer
    hierarchy: HierarchyBuilder
    auditor: Auditor | None


@dataclass
class RunContext:
    """Everything a stage may read: settings, the run directory, components and earlier outputs.

    ``data`` holds in-memory values passed from stage to stage (each stage documents what it
    reads and adds); stages that were skipped put back what they would have added, read from
    their files.
    """

    cfg: Config
    rundir: RunDir
    components: Components
    embedder: Embedder
    progress: bool | None = None
    data: dict[str, Any] = field(default_factory=dict)
    fingerprints: dict[str, str] = field(default_factory=dict)
    usage: dict[str, StageUsage] = field(default_factory=dict)

    def usage_for(self, stage: str) -> StageUsage:
        """A fresh usage counter for ``stage`` (replacing any earlier one in this run)."""
        self.usage[stage] = StageUsage(
            prices=self.cfg.backend.prices, batch_discount=self.cfg.backend.batch_discount
        )
        return self.usage[stage]

    def file(self, name: str) -> Path:
        """A path inside the run directory."""
        return self.rundir.file(name)


class Stage(ABC):
    """One step of the pipeline.

    Subclasses set ``name``, ``version`` (bump it when the output's meaning changes), ``after``
    (parent stages) and ``files`` (outputs, relative to the run directory), and implement
    :meth:`key`, :meth:`compute` and :meth:`load`. ``background`` stages run in a thread while
    the later stages go on; the runner waits for them at the end.
    """

    name: ClassVar[str]
    version: ClassVar[int] = 1
    after: ClassVar[tuple[str, ...]] = ()
    files: ClassVar[tuple[str, ...]] = ()
    background: ClassVar[bool] = False

    def outputs(self, ctx: RunContext) -> list[str]:
        """The files the stage writes (default: ``files``)."""
        return list(self.files)

    def prepare(self, ctx: RunContext) -> None:  # noqa: B027 - optional hook
        """Work needed before the fingerprint can be known (always runs; default: none)."""

    def key(self, ctx: RunContext) -> dict[str, Any]:
        """What the output depends on besides the parents (resolved settings, components)."""
        return {}

    @abstractmethod
    def compute(self, ctx: RunContext) -> dict[str, Any]:
        """Write the stage's files; returns ``info`` for the manifest."""

    def load(self, ctx: RunContext) -> None:  # noqa: B027 - optional hook
        """Put the stage's outputs into ``ctx.data`` (after it ran or was skipped; default: none)."""

    def fingerprint(self, ctx: RunContext) -> str:
        """Hash of the parents' fingerprints, ``name@version`` and :meth:`key`."""
        return stable_hash(
            {
                "after": [ctx.fingerprints[p] for p in self.after],
                "stage": f"{self.name}@{self.version}",
                "key": self.key(ctx),
            }
        )


def run_stages(stages: Sequence[Stage], ctx: RunContext) -> None:
    """Run ``stages`` in order, skipping those whose fingerprint is unchanged.

    The manifest is saved after each stage's ``prepare``, so counts are on disk as soon as they
    are known. When a stage fails (or the run is interrupted), the failure is recorded at once,
    then background stages are waited for, so nothing writes into the directory once it is released.
    """
    rd = ctx.rundir
    pending: list[tuple[Stage, str, Future[tuple[dict[str, Any], float]]]] = []
    try:
        for stage in stages:
            stage.prepare(ctx)
            rd.save()
            fp = ctx.fingerprints[stage.name] = stage.fingerprint(ctx)
            if rd.is_done(stage.name, fp):
                logger.info("stage %s: unchanged, reusing %s", stage.name, ", ".join(stage.outputs(ctx)))
            elif stage.background:
                pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"cliokit-{stage.name}")
                pending.append((stage, fp, pool.submit(_timed, stage.compute, ctx)))
                pool.shutdown(wait=False)
                continue
            else:
                rd.forget(stage.name)
                _reset_peak_rss()
                logger.info("stage %s: running", stage.name)
                info, seconds = _timed(stage.compute, ctx)
                _record(ctx, stage, fp, seconds, info)
            stage.load(ctx)
        for stage, fp, future in pending:
            info, seconds = future.result()
            _record(ctx, stage, fp, seconds, info)
            stage.load(ctx)
    except BaseException as exc:
        rd.end(exc)  # on disk before the wait: a SIGKILL while waiting still leaves the status
        running = [future for _, _, future in pending if not future.done()]
        if running:
            logger.info("waiting for the background stages to stop (Ctrl-C again to leave at once)")
            wait(running)
        raise


def _record(ctx: RunContext, stage: Stage, fp: str, seconds: float, info: dict[str, Any]) -> None:
    for key, usage in ctx.usage.items():
        ctx.rundir.manifest.usage[key] = usage.as_dict()
    ctx.rundir.mark_done(stage.name, fp, stage.outputs(ctx), seconds, _peak_rss_mb(), info)


def _timed(fn: Callable[[RunContext], dict[str, Any]], ctx: RunContext) -> tuple[dict[str, Any], float]:
    start = time.perf_counter()
    return fn(ctx), time.perf_counter() - start


def _reset_peak_rss() -> None:
    """Reset the process's peak RSS where Linux allows it, so each stage reports its own peak."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def _peak_rss_mb() -> float:
    """Peak RSS since the last reset (Linux ``VmHWM``), else since the process started."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
