"""``cliokit synth``: generate a synthetic dataset directory.

Top-level imports stay light (the main CLI imports this module at startup); the generator is
imported when the command runs.
"""

from __future__ import annotations

import argparse
from typing import Any


def add_parser(sub: Any) -> None:
    """Register ``synth`` on ``sub`` (an argparse subparsers action)."""
    p = sub.add_parser(
        "synth",
        help="generate labelled synthetic conversations with planted PII",
        description=(
            "Generate synthetic conversations with known topics and planted personal data, for "
            "evaluating clustering and privacy. Writes conversations.jsonl, labels.csv, "
            "planted.jsonl, failed.jsonl, taxonomy.yaml and synth.json to --out."
        ),
    )
    p.set_defaults(handler=run)
    p.add_argument("--n", type=int, required=True, help="number of conversations")
    p.add_argument("--out", required=True, help="output directory")
    p.add_argument(
        "--languages",
        help="comma-separated language codes (default: every language with a template file; "
        "model mode: all eleven)",
    )
    p.add_argument("--pii-rate", type=float, default=0.1, help="share of conversations with planted PII")
    p.add_argument("--concern-rate", type=float, default=0.05, help="share of concerning conversations")
    p.add_argument("--users", type=int, help="distinct users (default: n // 4)")
    p.add_argument("--seed", type=int, default=0, help="seed (default: 0)")
    p.add_argument("--min-turns", type=int, default=1, help="fewest user turns (default: 1)")
    p.add_argument("--max-turns", type=int, default=3, help="most user turns (default: 3)")
    p.add_argument("--mode", choices=["template", "model"], default="template", help="how text is written")
    p.add_argument("--backend", help="model backend for --mode model")
    p.add_argument("--model", default="", help="model id for the backend")
    p.add_argument("--taxonomy", help="taxonomy YAML file (default: the packaged one)")
    p.add_argument("--templates", help="directory of LANG.yaml template files (default: the packaged ones)")


def run(args: argparse.Namespace) -> int:
    """Handle ``cliokit synth``: generate, write and print one summary line."""
    from cliokit.errors import ConfigError
    from cliokit.synthetic.generator import generate
    from cliokit.synthetic.io import write_synthetic
    from cliokit.synthetic.templates import LANGUAGES, available_languages

    present = available_languages(args.templates)
    if args.languages:
        languages = [s.strip() for s in args.languages.split(",") if s.strip()]
        if args.mode == "template":
            missing = [lang for lang in languages if lang not in present]
            if missing:
                raise ConfigError(
                    f"--languages: no template file for {', '.join(missing)} "
                    f"(languages with templates: {', '.join(present) or 'none'})"
                )
    elif args.mode == "model":
        languages = list(LANGUAGES)
    else:
        languages = [lang for lang in present if lang in LANGUAGES]
        if not languages:
            raise ConfigError("no template files found; pass --templates DIR or use --mode model")
    if args.mode == "template" and args.backend:
        raise ConfigError("--backend is only used with --mode model")
    data = generate(
        args.n,
        languages,
        seed=args.seed,
        pii_rate=args.pii_rate,
        concern_rate=args.concern_rate,
        users=args.users,
        min_turns=args.min_turns,
        max_turns=args.max_turns,
        taxonomy=args.taxonomy,
        mode=args.mode,
        backend=args.backend,
        model=args.model,
        progress=None,
        templates_dir=args.templates,
    )
    write_synthetic(data, args.out)
    counts = data.params["counts"]
    failed = f", {counts['failed']} failed" if args.mode == "model" else ""
    print(
        f"{args.out}: {counts['conversations']} conversations{failed} in {len(languages)} languages "
        f"({','.join(languages)}), {counts['users']} users, {counts['planted']} planted values "
        f"({counts['canaries']} canaries)"
    )
    return 0
