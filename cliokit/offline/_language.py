"""The offline language identifier: script rules for CJK, py3langid for the rest."""

from __future__ import annotations

import logging
import threading
from typing import Any

from cliokit.offline._lexicon import _HAN, _HANGUL, _KANA, _LANGUAGE_PRIORS, LANGUAGES, MIN_LETTERS

logger = logging.getLogger(__name__)

_IDENTIFIER_LOCK = threading.Lock()
_IDENTIFIER: Any = None


def _identifier() -> Any:
    """Return a py3langid identifier restricted to :data:`LANGUAGES`, built once (about 0.5 s)."""
    global _IDENTIFIER
    if _IDENTIFIER is None:
        with _IDENTIFIER_LOCK:
            if _IDENTIFIER is None:
                import numpy as np
                from py3langid.langid import MODEL_FILE, LanguageIdentifier

                identifier = LanguageIdentifier.from_model_file(MODEL_FILE)
                identifier.set_languages(list(LANGUAGES))
                # The naive Bayes class log-priors are where language priors belong.
                boost = [_LANGUAGE_PRIORS.get(c, 0.0) for c in identifier.nb_classes]
                identifier.nb_pc = identifier.nb_pc + np.asarray(boost, dtype=identifier.nb_pc.dtype)
                logger.debug("loaded py3langid restricted to %d languages", len(LANGUAGES))
                _IDENTIFIER = identifier
    return _IDENTIFIER


def _language_of(clean: str) -> str:
    """:func:`~cliokit.offline.heuristics.detect_language` of text already passed through ``strip_noise``."""
    text = clean[:4000]
    letters = sum(map(str.isalpha, text))
    kana = len(_KANA.findall(text))
    han = len(_HAN.findall(text))
    hangul = len(_HANGUL.findall(text))
    if letters + kana + han + hangul < MIN_LETTERS:
        return "und"
    japanese = kana > 0 and kana >= 0.05 * (kana + han)
    if kana + han + hangul >= 0.3 * letters:
        if hangul >= kana + han:
            return "ko"
        return "ja" if japanese else "zh"
    lang, _ = _identifier().classify(text)
    if lang in ("zh", "ja") and kana + han:
        return "ja" if japanese else "zh"
    return str(lang)
