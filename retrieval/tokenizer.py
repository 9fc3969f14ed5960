"""Chinese tokenisation for both retrievers: jieba words with a domain dictionary and stop words.

One jieba pass per text yields the word terms; the same text's CJK runs yield character bigrams. Both
lexical channels see the text without numbers and time spans.
"""

from __future__ import annotations

import hashlib
import logging
import re
import tempfile
import threading
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

with warnings.catch_warnings():  # jieba's regexes trigger invalid-escape warnings when first compiled
    warnings.simplefilter("ignore", DeprecationWarning)
    warnings.simplefilter("ignore", SyntaxWarning)
    import jieba

DICT_DIR = Path(__file__).resolve().parent.parent / "corpus" / "dict"
"""Shipped dictionaries: ``userdict.txt`` (word + frequency) and ``stopwords.txt``."""

DEFAULT_USERDICT = DICT_DIR / "userdict.txt"
DEFAULT_STOPWORDS = DICT_DIR / "stopwords.txt"

_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_ASCII_RUN = re.compile(r"[0-9a-z]{2,}")
_HAS_WORD_CHAR = re.compile(r"[0-9A-Za-z\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_DEFAULT_FREQ = 5000
ANALYSIS_VERSION = 2
"""Bump when :meth:`ChineseTokenizer.analyse` changes its output: cached BM25 terms go stale."""


_CN_DIGITS = "零〇一二三四五六七八九十百千万亿两几半"
_UNITS = (
    "年|月份|月|日|号|天|周|星期|小时|钟头|分钟|秒|岁|次|元|块钱|块|毛"
    "|米|公里|平方米|平米|亩|户|人|名|辆|吨|斤|公斤|倍|届|期|回"
)
_NUMBER_SPAN = re.compile(
    rf"(?<![A-Za-z0-9.])[0-9]+(?:[.:：/-][0-9]+)*(?![A-Za-z0-9])(?:[多余来])?(?:个)?(?:多|余)?(?:{_UNITS})*"
    rf"|[{_CN_DIGITS}]{{2,}}(?:[多余来])?(?:个)?(?:多|余)?(?:{_UNITS})*"
    rf"|[{_CN_DIGITS}](?:个)?(?:多|余)?(?:{_UNITS})+"
)
KEEP_NUMBERS = frozenset({"12345", "12315", "12369", "12306", "110", "119", "120", "122", "12333", "12319"})
"""Service numbers that mean something (hotlines); every other number or quantity is dropped."""


def strip_numbers(text: str) -> str:
    """Blank out numbers, quantities and spans of time (二十多, 一天, 3月, 500米, 2019年, 一个多月, 半年):
    they describe one message's circumstances, not its topic, and made unrelated messages match."""

    def repl(match: re.Match[str]) -> str:
        span = match.group(0)
        return span if span in KEEP_NUMBERS else " "

    return _NUMBER_SPAN.sub(repl, text)


BIGRAM_MARK = "\x02"
"""Prefix of character-bigram terms in a cached term list (kept apart from word terms)."""


@dataclass(slots=True)
class Analysis:
    """What one jieba pass yields for a text.

    ``words``: content words (stop words and punctuation dropped, latin lower-cased), in order;
    ``terms``: ``words`` plus dictionary sub-words of long words and latin/digit runs inside mixed words
    (for recall, cf. jieba search mode);
    ``runs``: maximal runs of CJK characters (numbers and time spans removed), the source of bigrams.
    """

    words: list[str] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)
    runs: list[str] = field(default_factory=list)

    def unigrams(self, stop_chars: frozenset[str] = frozenset()) -> list[str]:
        """Character unigrams of the CJK runs (minus ``stop_chars``)."""
        return [ch for run in self.runs for ch in run if ch not in stop_chars]

    def bigrams(self, stop_chars: frozenset[str] = frozenset()) -> list[str]:
        """Character bigrams inside each CJK run (those made only of ``stop_chars`` left out)."""
        return [
            gram
            for run in self.runs
            for i in range(len(run) - 1)
            if not ((gram := run[i : i + 2])[0] in stop_chars and gram[1] in stop_chars)
        ]


def _read_lines(path: Path) -> list[str]:
    lines = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            lines.append(line)
    return lines


def load_userdict(path: Path) -> list[tuple[str, int]]:
    """Entries of a user dictionary: ``word [freq]`` per line, ``#`` starts a comment line."""
    entries = []
    for line in _read_lines(path):
        parts = line.split()
        freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else _DEFAULT_FREQ
        entries.append((parts[0], freq))
    return entries


def load_stopwords(path: Path) -> frozenset[str]:
    """Stop words, one per line (a line of just ``#`` is kept as punctuation; other ``#`` lines are comments)."""
    words = set()
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line == "#" or (line and not line.startswith("# ")):
            words.add(line.lower())
    return frozenset(words)


class ChineseTokenizer:
    """jieba segmentation with a private dictionary; initialised lazily, once, thread-safely."""

    def __init__(
        self,
        userdict: Path | None = DEFAULT_USERDICT,
        stopwords: Path | None = DEFAULT_STOPWORDS,
        cache_dir: Path | None = None,
        hmm: bool = True,
    ) -> None:
        self._userdict = userdict
        self._stopwords_path = stopwords
        self._cache_dir = cache_dir or Path(tempfile.gettempdir()) / "baixing-jieba"
        self._hmm = hmm
        self._jieba: jieba.Tokenizer | None = None
        self._lock = threading.Lock()
        self.stopwords: frozenset[str] = load_stopwords(stopwords) if stopwords else frozenset()
        self.stop_chars: frozenset[str] = frozenset(w for w in self.stopwords if len(w) == 1)

    @property
    def fingerprint(self) -> str:
        """Changes whenever the output may change (dictionaries, HMM, analysis code version)."""
        digest = hashlib.sha1(f"v{ANALYSIS_VERSION}|hmm={self._hmm}|jieba={jieba.__version__}".encode())
        for path in (self._userdict, self._stopwords_path):
            digest.update(b"|" + (path.read_bytes() if path else b""))
        return digest.hexdigest()[:12]

    def _tokenizer(self) -> jieba.Tokenizer:
        if self._jieba is not None:
            return self._jieba
        with self._lock:
            if self._jieba is None:
                jieba.setLogLevel(logging.WARNING)
                self._cache_dir.mkdir(parents=True, exist_ok=True)
                tk = jieba.Tokenizer()
                tk.tmp_dir = str(self._cache_dir)
                tk.initialize()
                if self._userdict:
                    for word, freq in load_userdict(self._userdict):
                        tk.add_word(word, freq)
                self._jieba = tk
        return self._jieba

    def worker_args(self) -> tuple[Path | None, Path | None, Path, bool]:
        """Constructor arguments that rebuild this tokenizer in another process."""
        return self._userdict, self._stopwords_path, self._cache_dir, self._hmm

    def warm_up(self) -> None:
        """Load the dictionaries now instead of on first use."""
        self._tokenizer()

    def cut(self, text: str) -> list[str]:
        """Raw jieba words (nothing dropped)."""
        return list(self._tokenizer().cut(text, HMM=self._hmm))

    def analyse(self, text: str) -> Analysis:
        """One jieba pass: content words, BM25 terms (with sub-words) and CJK runs; numbers and
        time spans are removed first (:func:`strip_numbers`)."""
        text = strip_numbers(text)
        tk = self._tokenizer()
        freq = tk.FREQ
        stop = self.stopwords
        words: list[str] = []
        terms: list[str] = []
        for raw in tk.cut(text, HMM=self._hmm):
            word = raw.strip().lower()
            if not word or word in stop or not _HAS_WORD_CHAR.search(word):
                continue
            n = len(word)
            if n > 2 and not word.isascii() and _ASCII_RUN.search(word):
                terms.extend(_ASCII_RUN.findall(word))
            if n > 2:
                for i in range(n - 1):
                    gram = word[i : i + 2]
                    if freq.get(gram) and gram not in stop:
                        terms.append(gram)
                if n > 3:
                    for i in range(n - 2):
                        gram = word[i : i + 3]
                        if freq.get(gram):
                            terms.append(gram)
            words.append(word)
            terms.append(word)
        return Analysis(words=words, terms=terms, runs=_CJK_RUN.findall(text))

    def terms(self, text: str) -> list[str]:
        """Tokens for BM25: words minus stop words (plus dictionary sub-words), latin lower-cased."""
        return self.analyse(text).terms

    def index_terms(self, analysis: Analysis) -> list[str]:
        """What the token cache keeps: word terms, then character bigrams marked with :data:`BIGRAM_MARK`."""
        return analysis.terms + [BIGRAM_MARK + g for g in analysis.bigrams(self.stop_chars)]

    def query_terms(self, text: str) -> list[str]:
        """BM25 query tokens: :meth:`terms`, de-duplicated, order kept."""
        return list(dict.fromkeys(self.terms(text)))


@lru_cache(maxsize=1)
def default_tokenizer() -> ChineseTokenizer:
    """A process-wide tokenizer with the shipped dictionaries."""
    return ChineseTokenizer()
