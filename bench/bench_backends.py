"""Throughput of the model-call wrapper through the real SDK clients against the local stub server.

Measures requests per second for the anthropic and openai backends at several concurrency
limits, and the cost of a fully cached re-run (SQLite lookups only). The stub answers instantly,
so this is the overhead of cliokit + SDK + HTTP on localhost, not a provider's latency.

    python bench/bench_backends.py --n 2000
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cliokit.backends import CallPolicy, complete, get_backend  # noqa: E402
from cliokit.backends.cache import ResponseCache  # noqa: E402
from cliokit.prompts import FACETS  # noqa: E402
from tests.llm_stub import StubLLM  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=2000)
    args = ap.parse_args()
    os.environ["CLIOKIT_DISABLE_PROGRESS_BARS"] = "1"
    requests = [
        FACETS.request(
            f"c{i}",
            {},
            conversation=f"User: How do I bake bread, attempt {i}?\n\nAssistant: Sure.",
            custom="",
        )
        for i in range(args.n)
    ]
    with StubLLM() as stub:
        os.environ["ANTHROPIC_API_KEY"] = "bench-key"
        print(f"{'backend':<10} {'concurrency':>11} {'requests':>9} {'seconds':>8} {'req/s':>8}")
        for name, kwargs in [
            ("anthropic", {"base_url": stub.url}),
            ("openai", {"base_url": stub.url + "/v1", "model": "m"}),
        ]:
            for concurrency in (1, 8, 32):
                backend = get_backend(name, None, max_concurrency=concurrency, **kwargs)
                start = time.perf_counter()
                results = complete(backend, requests)
                seconds = time.perf_counter() - start
                assert all(r.error is None for r in results)
                print(f"{name:<10} {concurrency:>11} {args.n:>9} {seconds:>8.2f} {args.n / seconds:>8.0f}")
        with tempfile.TemporaryDirectory() as tmp:
            backend = get_backend("anthropic", None, base_url=stub.url, max_concurrency=32)
            backend.policy = CallPolicy(cache=ResponseCache(Path(tmp) / "r.sqlite"))
            start = time.perf_counter()
            complete(backend, requests)
            fill = time.perf_counter() - start
            calls = stub.model_calls
            start = time.perf_counter()
            cached = complete(backend, requests)
            hit = time.perf_counter() - start
            assert stub.model_calls == calls and all(r.cache_hit for r in cached)
            print(
                f"cache: first run {fill:.2f} s (with writes), cached re-run {hit:.2f} s, 0 requests "
                f"({args.n / hit:,.0f} answers/s)"
            )


if __name__ == "__main__":
    main()
