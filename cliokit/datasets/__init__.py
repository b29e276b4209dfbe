r"""Public conversational data sets as cliokit conversation tables, and where to find them.

Three loaders turn upstream files, read in place and unchanged, into the table
:func:`cliokit.run` and :func:`cliokit.load_conversations` accept: one row per conversation with
``conversation_id``, ``user_id`` and ``messages`` (a list of ``{"role", "content"}`` dicts).

* :func:`load_oasst`: OpenAssistant oasst1 message trees; each tree becomes one conversation, the
  root-to-leaf path that follows the best-ranked reply at every turn.
* :func:`load_hh_rlhf`: Anthropic HH-RLHF transcripts (``"\n\nHuman: …\n\nAssistant: …"``).
* :func:`load_xsid`: xSID's multilingual requests, one single-turn conversation each.

As in :mod:`cliokit.load`, a bad record never stops a load and is never dropped silently: it goes
to :attr:`DatasetLoad.rejected` with its file, line and reason (``strict=True`` raises the first as
:class:`~cliokit.errors.InputError`), and records that are valid but not used (an oasst reply off
the best-ranked path, a deleted message, a conversation not sampled) go to
:attr:`DatasetLoad.skipped`. ``n_read == n_used + len(rejected) + len(skipped)`` always holds.

HH-RLHF and xSID carry no user ids: each conversation is its own pseudo-user
(``user_id == conversation_id``), so a cluster's user count equals its conversation count and the
privacy filter's ``min_users`` threshold protects no more than ``min_conversations`` does.

The loaders take explicit paths; cliokit never guesses where the data are from where it is
installed. :func:`require_external_data` returns the public data folder (a path you pass, else
``$CLIOKIT_EXTERNAL_DATA``, else a ``default`` you pass) and raises :class:`ExternalDataMissing`
when it is absent; :func:`external_data_dir` returns it or None.

Examples
--------
>>> from cliokit import datasets
>>> root = datasets.require_external_data(datasets.OASST_FILE, data_dir="external_data")  # doctest: +SKIP
>>> oasst = datasets.load_oasst(root / datasets.OASST_FILE, max_conversations=100)  # doctest: +SKIP
>>> oasst.conversations[["conversation_id", "user_id", "messages"]]  # doctest: +SKIP
"""

from __future__ import annotations

from cliokit.datasets._common import (
    ENV_VAR,
    HH_RLHF_FILE,
    OASST_FILE,
    XSID_DIR,
    DatasetLoad,
    ExternalDataMissing,
    external_data_dir,
    require_external_data,
)
from cliokit.datasets.hh_rlhf import load_hh_rlhf
from cliokit.datasets.oasst import load_oasst
from cliokit.datasets.xsid import load_xsid

__all__ = [
    "ENV_VAR",
    "HH_RLHF_FILE",
    "OASST_FILE",
    "XSID_DIR",
    "DatasetLoad",
    "ExternalDataMissing",
    "external_data_dir",
    "load_hh_rlhf",
    "load_oasst",
    "load_xsid",
    "require_external_data",
]
