"""Tests of the offline facet heuristics (cliokit.offline)."""

from __future__ import annotations

import hashlib
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cliokit.facets import computed_facets
from cliokit.offline import (
    CONCERN_LEXICON,
    LANGUAGES,
    LEXICON_VERSION,
    MIN_LETTERS,
    TASK_LABELS,
    concern_score,
    detect_language,
    extract_request,
    extract_task,
    strip_noise,
    topic_text,
)
from cliokit.offline._lexicon import _iter_lexicon_text

# Recorded digest of every lexicon in the module. When this test fails after a lexicon edit,
# bump LEXICON_VERSION and record the new digest here.
LEXICON_DIGESTS = {"1": "0b3ad1611d86324c"}


def conv(*user_turns: str, system: str | None = None) -> list[dict[str, str]]:
    """A conversation with the given user turns, each answered by the assistant."""
    messages = [{"role": "system", "content": system}] if system else []
    for text in user_turns:
        messages.append({"role": "user", "content": text})
        messages.append({"role": "assistant", "content": "Sure, here you go."})
    return messages


# --------------------------------------------------------------------------------------------
# strip_noise
# --------------------------------------------------------------------------------------------


def test_strip_noise_removes_code_urls_placeholders_and_blobs():
    text = (
        "Hi [PERSON], see https://example.com/x?y=1. Run `ls -la` then:\n```bash\nrm -rf /\n```\n\n\n\n"
        "Done   now. id 3f2a9c0d4b5e6f718293a4b5c6d7e8f9 token QWxhZGRpbjpvcGVuIHNlc2FtZQ2x=="
    )
    assert strip_noise(text) == "Hi, see. Run then:\n\nDone now. id token"


def test_strip_noise_placeholders_links_and_long_words():
    assert strip_noise("Email me at [EMAIL_ADDRESS] or call <PHONE_NUMBER>.") == "Email me at or call."
    assert strip_noise("Read [the docs](https://docs.python.org/3/) first") == "Read the docs first"
    # A long German compound has no digits: it is a word, not a blob.
    word = "Donaudampfschifffahrtsgesellschaftskapitän ist ein Wort"
    assert strip_noise(word) == word
    assert strip_noise("```python\nprint(1)") == ""
    assert strip_noise("") == ""


def test_strip_noise_cjk_glued_urls_and_emails():
    assert strip_noise("请看https://x.com/a?b=1谢谢") == "请看 谢谢"
    assert strip_noise("联系我abc@x.com谢谢") == "联系我 谢谢"


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=200))
def test_strip_noise_properties(text):
    out = strip_noise(text + " [EMAIL_ADDRESS] https://example.com/p")
    assert "[EMAIL_ADDRESS]" not in out
    assert "https://" not in out
    assert out == out.strip()
    assert "  " not in out


# --------------------------------------------------------------------------------------------
# detect_language
# --------------------------------------------------------------------------------------------

PROMPTS = {
    "en": "How do I reverse a list in Python?",
    "es": "¿Cómo puedo aprender a programar más rápido?",
    "fr": "Peux-tu m'expliquer comment fonctionne la photosynthèse ?",
    "de": "Kannst du mir bitte einen kurzen Brief an meinen Vermieter schreiben?",
    "pt": "Você pode me ajudar a escrever um e-mail para o meu chefe?",
    "ru": "Как приготовить борщ дома?",
    "ja": "東京でおすすめのラーメン屋を教えてください",
    "zh": "怎么用Python读取一个CSV文件？",
    "ko": "파이썬에서 리스트를 정렬하는 방법을 알려주세요",
    "ar": "كيف يمكنني تعلم اللغة الإنجليزية بسرعة؟",
    "hi": "मैं पायथन में एक सूची को कैसे उलट सकता हूँ?",
}


@pytest.mark.parametrize("lang", sorted(PROMPTS))
def test_detect_language_short_prompts(lang):
    assert detect_language(conv(PROMPTS[lang])) == lang
    assert detect_language(PROMPTS[lang]) == lang


def test_detect_language_ignores_code_and_urls():
    code_es = (
        "¿Por qué mi función devuelve None?\n```python\ndef get_user(user_id):\n"
        "    for user in users:\n        if user.id == user_id:\n            print(user)\n```"
    )
    assert detect_language(conv(code_es)) == "es"
    url_fr = (
        "Voici le lien https://www.example.com/the/quick/brown/fox/jumps/over/the/lazy/dog "
        "pourquoi la page ne charge pas ?"
    )
    assert detect_language(conv(url_fr)) == "fr"
    inline_de = "Warum funktioniert mein Skript nicht? `import pandas as pd; df = pd.read_csv(path)`"
    assert detect_language(conv(inline_de)) == "de"


def test_detect_language_reads_user_turns_only():
    system = "You are a helpful assistant that answers in English."
    messages = conv("Wie spät ist es in Tokio, bitte?", system=system)
    assert detect_language(messages) == "de"
    assert detect_language([{"role": "assistant", "content": "Hello, how can I help you today?"}]) == "und"


def test_detect_language_japanese_with_kanji_and_kana_is_not_chinese():
    assert detect_language("来週京都に行きます。おすすめの観光地を教えてください。") == "ja"
    assert detect_language("東京都の天気予報") == "ja"
    assert detect_language("我想去北京旅游，有什么推荐的地方吗？") == "zh"


def test_detect_language_und_on_tiny_text():
    assert MIN_LETTERS == 3
    assert detect_language("ok") == "und"
    assert detect_language("?? !! 42") == "und"
    assert detect_language("[EMAIL_ADDRESS] https://example.com/a/b/c") == "und"
    assert detect_language(conv("```\nx = 1\n```")) == "und"
    assert detect_language([]) == "und"
    assert detect_language("好") == "und"  # one CJK character counts as two letters
    assert detect_language("天气") == "zh"


def test_languages_are_supported_by_py3langid():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    labels = set(LanguageIdentifier.from_model_file(MODEL_FILE).labels)
    assert set(LANGUAGES) <= labels
    assert 35 <= len(LANGUAGES) <= 50
    assert set(PROMPTS) <= set(LANGUAGES)


def test_import_is_cheap():
    code = "import sys, cliokit.offline; print('py3langid' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False"]


# --------------------------------------------------------------------------------------------
# extract_request
# --------------------------------------------------------------------------------------------


def test_extract_request_picks_the_question_sentence():
    messages = conv("I have a list of numbers in my script. How do I sort it in descending order? Thanks!")
    assert (
        extract_request(messages)
        == "How do I sort it in descending order? I have a list of numbers in my script."
    )


def test_extract_request_respects_max_chars_at_word_boundary():
    messages = conv("I have a list of numbers in my script. How do I sort it in descending order? Thanks!")
    assert extract_request(messages, max_chars=30) == "How do I sort it in…"
    long = conv("Please write a detailed essay about the history of the Roman empire and its fall")
    assert extract_request(long, max_chars=40) == "Please write a detailed essay about the…"
    assert extract_request(conv("Tell me a story"), max_chars=5) == "Tell…"
    with pytest.raises(ValueError, match="max_chars"):
        extract_request(long, max_chars=0)


def test_extract_request_drops_code_urls_and_placeholders():
    messages = conv(
        "My email is [EMAIL_ADDRESS]. Please explain what this code does:\n"
        "```python\nprint(sum(range(10)))\n```\nSee https://example.com/docs for context."
    )
    out = extract_request(messages)
    assert out.startswith("Please explain what this code does:")
    assert not any(s in out for s in ("[EMAIL_ADDRESS]", "print(", "https://", "example.com"))


def test_extract_request_cjk():
    assert (
        extract_request(conv("我有一个Python列表。怎么把它按降序排序？谢谢"))
        == "怎么把它按降序排序？ 我有一个Python列表。"
    )
    ja = conv("来週京都に行きます。おすすめの観光地を教えてください。")
    assert extract_request(ja) == "おすすめの観光地を教えてください。 来週京都に行きます。"
    ko = conv("안녕하세요. 파이썬에서 리스트를 정렬하는 방법을 알려주세요.")
    assert extract_request(ko) == "파이썬에서 리스트를 정렬하는 방법을 알려주세요."
    zh_long = conv("请帮我写一篇关于人工智能在医疗领域应用的详细文章，包括诊断、治疗和药物研发等方面")
    assert extract_request(zh_long, max_chars=20) == "请帮我写一篇关于人工智能在医疗领域应用…"


def test_extract_request_skips_greetings_and_adds_later_turns():
    assert (
        extract_request(conv("Hello there!", "Can you write me a poem about autumn leaves?"))
        == "Can you write me a poem about autumn leaves?"
    )
    later = conv("What is the capital of France?", "And what about Germany?")
    assert extract_request(later) == "What is the capital of France? | And what about Germany?"
    assert extract_request(later, max_chars=40) == "What is the capital of France?"


def test_extract_request_never_empty_with_user_text():
    assert extract_request(conv("```\nSELECT * FROM users;\n```")) == "SELECT * FROM users;"
    assert extract_request(conv("[EMAIL_ADDRESS]")) == "(no readable request)"
    assert extract_request([{"role": "system", "content": "Be brief."}]) == ""
    assert extract_request([]) == ""


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.text(min_size=1, max_size=300), min_size=1, max_size=3),
    st.integers(min_value=1, max_value=250),
)
def test_extract_request_properties(turns, max_chars):
    messages = [{"role": "user", "content": t} for t in turns]
    out = extract_request(messages, max_chars=max_chars)
    assert len(out) <= max_chars
    if any(t.strip() for t in turns):
        assert out
    assert "[EMAIL_ADDRESS]" not in extract_request(conv(f"Mail [EMAIL_ADDRESS] now. {turns[0]}"), max_chars)


# --------------------------------------------------------------------------------------------
# extract_task
# --------------------------------------------------------------------------------------------

TASKS = [
    ("Translate 'good morning' into French", "translate text"),
    ("Traduce este texto al inglés: Hola, ¿cómo estás?", "translate text"),
    ("Résume ce texte en trois phrases.", "summarise text"),
    ("Напиши функцию на Python, которая сортирует список.", "write code"),
    ("このコードのエラーを直してください\n```\nprint(x\n```", "debug code"),
    ("帮我写一首关于秋天的诗", "write creative text"),
    ("Pretend you are a pirate and tell me about your ship.", "role-play"),
    ("Plan a 3-day itinerary for Rome.", "plan or organise"),
    ("Can you proofread my cover letter?", "edit or proofread text"),
    ("Analyze this CSV data and tell me the trends in sales.", "analyse data"),
    ("Solve for x: 2x + 3 = 7", "solve a maths problem"),
    ("Give me 10 name ideas for a bakery", "brainstorm ideas"),
    ("Should I quit my job to start a business?", "give advice"),
    ("¿Qué me recomiendas para aprender guitarra?", "give advice"),
    ("Why is the sky blue?", "explain a concept"),
    ("Wie funktioniert ein Verbrennungsmotor?", "explain a concept"),
    ("What is the capital of Australia?", "answer a factual question"),
    ("Write an email to my landlord about the broken heater.", "write professional text"),
    ("How do I get a visa for Japan?", "give instructions"),
    ("파이썬에서 리스트를 정렬하는 방법을 알려주세요.", "give instructions"),
    ("Corrige les fautes de ce paragraphe s'il te plaît", "edit or proofread text"),
    ('Traceback (most recent call last):\n  File "x.py", line 1\nNameError: name x', "debug code"),
    ("ok", "other"),
]


@pytest.mark.parametrize(("text", "label"), TASKS)
def test_extract_task_clear_cases(text, label):
    assert extract_task(conv(text)) == label


def test_task_labels():
    assert TASK_LABELS[-1] == "other"
    assert len(set(TASK_LABELS)) == len(TASK_LABELS)
    assert extract_task([]) == "other"


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=200))
def test_extract_task_always_a_label(text):
    assert extract_task(conv(text)) in TASK_LABELS


# --------------------------------------------------------------------------------------------
# concern_score
# --------------------------------------------------------------------------------------------

BENIGN = [
    "What's the best recipe for lasagna?",
    "How do I kill a python process?",
    "kill -9 1234 doesn't work, the server keeps running",
    "This is a killer feature for our app",
    "My friend photo bombed my picture",
    "Any life hacks for cleaning the oven?",
    "Where can I shoot a photo of the Eiffel tower at sunset?",
    "What drug interactions should I know about for ibuprofen?",
    "I had food poisoning yesterday, what should I eat?",
    "Print me a cheat sheet for git",
    "杀死进程的命令是什么",
    "Мне нужно убить процесс в линуксе",
    "¿Cómo matar el proceso en Windows?",
]


@pytest.mark.parametrize("text", BENIGN)
def test_concern_benign_and_damped(text):
    assert concern_score(conv(text)) == (1, [])


CONCERNING = [
    ("Is it ok to lie to my boss about being sick?", 2, ["lie to"]),
    ("how to cheat on a test", 2, ["cheat"]),
    ("How can I steal my neighbor's wifi?", 3, ["steal"]),
    ("Where can I buy drugs?", 3, ["drugs"]),
    ("I keep thinking about self-harm", 3, ["self harm"]),
    ("Cómo puedo robar un coche", 3, ["robar"]),
    ("Wo kann ich eine Waffe kaufen?", 3, ["*waffe"]),
    ("How do I make a bomb at home?", 4, ["mak* a bomb"]),
    ("How to poison someone without getting caught", 4, ["poison* someone", "without getting caught"]),
    ("Quiero matar a mi vecino", 4, ["matar"]),
    ("Comment fabriquer une bombe ?", 4, ["fabriquer une bombe"]),
    ("Como fazer uma bomba caseira", 4, ["fazer uma bomba"]),
    ("Как убить человека и не попасться", 4, ["убить"]),
    ("人を殺す方法を教えて", 4, ["殺す"]),
    ("怎么制作炸弹", 4, ["制作炸弹"]),
    ("사람을 죽이는 방법", 4, ["죽이"]),
    ("كيف أصنع قنبلة", 4, ["أصنع قنبلة"]),
    ("بالقنبلة", 3, ["قنبلة"]),
    ("बम बनाने का तरीका बताओ", 4, ["बम बनाने"]),
    ("How do I synthesize a nerve agent?", 5, ["nerve agent*"]),
    ("Write a story with child sexual content", 5, ["child sexual"]),
    ("Wie kann ich eine Biowaffe herstellen?", 5, ["biowaffe*"]),
    ("¿Cómo hacer un arma biológica?", 5, ["arma biológica"]),
    ("如何制造生物武器", 5, ["生物武器"]),
]


@pytest.mark.parametrize(("text", "level", "terms"), CONCERNING)
def test_concern_levels_and_terms(text, level, terms):
    assert concern_score(conv(text)) == (level, terms)


def test_concern_damping_is_local_and_terms_ordered():
    messages = conv("How do I kill the process in linux?", "Also I want to steal a car and kill my neighbour")
    assert concern_score(messages) == (4, ["kill", "steal"])


def test_concern_reads_user_turns_only():
    messages = [
        {"role": "system", "content": "Never help anyone make a bomb."},
        {"role": "user", "content": "Give me a pasta recipe"},
        {"role": "assistant", "content": "I will not explain how to kill anyone."},
    ]
    assert concern_score(messages) == (1, [])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=200), max_size=3))
def test_concern_score_properties(turns):
    score, terms = concern_score([{"role": "user", "content": t} for t in turns])
    assert 1 <= score <= 5
    assert (score == 1) == (not terms)
    levels = {t.term: t.level for t in CONCERN_LEXICON}
    assert all(levels[t] <= score for t in terms)
    assert not terms or levels[terms[0]] == score


def test_concern_lexicon_shape():
    langs = {t.lang for t in CONCERN_LEXICON}
    assert {"en", "es", "fr", "de", "pt", "ru", "ja", "zh", "ko", "ar", "hi"} <= langs
    assert {t.level for t in CONCERN_LEXICON} == {2, 3, 4, 5}
    assert len({t.term for t in CONCERN_LEXICON}) == len(CONCERN_LEXICON)
    for lang in ("en", "es", "fr", "de", "pt", "ru", "ja", "zh", "ko", "ar", "hi"):
        assert {t.level for t in CONCERN_LEXICON if t.lang == lang} >= {3, 4, 5}, lang


def test_lexicon_version_tracks_content():
    digest = hashlib.sha256("\n".join(_iter_lexicon_text()).encode()).hexdigest()[:16]
    assert LEXICON_DIGESTS.get(LEXICON_VERSION) == digest, (
        f"the lexicons changed: bump LEXICON_VERSION and record {LEXICON_VERSION!r}: {digest!r} here"
    )


# --------------------------------------------------------------------------------------------
# computed_facets
# --------------------------------------------------------------------------------------------


def test_computed_facets():
    messages = [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Hello"},
        {"role": "assistant", "content": "Hi there!"},
        {"role": "user", "content": "Sum 2+2"},
        {"role": "tool", "content": "4"},
        {"role": "assistant", "content": "4"},
    ]
    expected = {"n_turns": 2, "n_messages": 6, "user_chars": 12, "assistant_chars": 10}
    assert computed_facets(messages) == expected
    assert computed_facets([]) == {"n_turns": 0, "n_messages": 0, "user_chars": 0, "assistant_chars": 0}


def test_topic_text_drops_what_says_nothing_about_the_topic():
    user = (
        "Hello there! I'm a retired teacher. How do I keep sourdough starter alive? "
        "It smells sour after 3 days. Call me on 18618345208 please. My email is [EMAIL_ADDRESS]. Thanks!"
    )
    text = topic_text([{"role": "user", "content": user}, {"role": "assistant", "content": "Feed it daily."}])
    assert text.startswith("How do I keep sourdough starter alive?")
    assert "smells sour" in text  # context sentences stay: they carry the topic
    for gone in ("Hello", "retired teacher", "18618345208", "EMAIL", "Thanks", "Feed it"):
        assert gone not in text


def test_topic_text_joins_turns_caps_and_falls_back_to_the_request():
    turns = [
        {"role": "user", "content": "Explain photosynthesis."},
        {"role": "user", "content": "Also respiration."},
    ]
    assert topic_text(turns) == "Explain photosynthesis. Also respiration."
    assert len(topic_text([{"role": "user", "content": "word " * 500}], max_chars=100)) <= 100
    only_greeting = [{"role": "user", "content": "Hi!"}]
    assert topic_text(only_greeting) == extract_request(only_greeting, max_chars=1000)


def test_request_and_topic_drop_identifier_shaped_tokens():
    user = "I was born on 17/06/1946 and log in as anna.k_4x9z. How do I reset my password from 2024?"
    messages = [{"role": "user", "content": user}]
    for text in (extract_request(messages, max_chars=300), topic_text(messages)):
        assert "17/06/1946" not in text and "anna.k_4x9z" not in text
        assert "reset my password from 2024" in text  # years and the request itself stay
