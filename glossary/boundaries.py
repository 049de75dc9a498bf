"""Word boundaries in Chinese and Japanese text: does a glossary name found in running text cut a word?

Chinese and Japanese print no spaces, so a name can turn up inside a longer word that is not about it:
日共 (the Japanese Communist Party) inside 中日共同开发, 日本海 inside 日本海上保安本部, つし inside
あいさつした, 日本国 inside 日本国内. The text scanner asks this module only about the edges of the
names it found; each stretch of Han/kana text is segmented once, when a name's edge first falls in it,
so the cost grows with the Chinese and Japanese text that holds names, not with the glossary.

The lexicons are general-language ones from well-kept packages, not a list of ours:

* Chinese: jieba's dictionary through ``rjieba`` (the Rust port, fast and small; dictionary words
  only, no HMM guesses, over the simplified scan form, so traditional text is read by the same
  dictionary).
* Japanese: SudachiPy with ``sudachidict-core`` (long units, split mode C, whose parts in split
  mode A tell a compound such as 日本国内 = 日本 + 国内 from a word such as 日本人).

An edge is a word boundary when the segmenter puts one there, or when it falls inside a compound whose
part outside the name is itself a word of two or more characters (日本|政府, 日本|首相, 北京市|政府):
a name that modifies another word is still a mention. A one-character remainder (日本|人, 朝鲜|人,
日本|語, 中|日) means the name is part of another word.
"""

from __future__ import annotations

import bisect
import re
import threading
from functools import cached_property

from glossary.keys import is_han, is_kana

# One-character morphemes that make a place name a demonym or a language name (日本人, 琉球语, 中国話)
# when the segmenter leaves them standing alone after it.
DEMONYM_MORPHEMES = frozenset("人语語话話")
# Words jieba reads across a demonym's edge, where after a place name the demonym and the next word are meant:
# 日本人为男性 ("the Japanese is a man") segments as 日本 / 人为 ("man-made") / 男性.
DEMONYM_RUN_ON = frozenset({"人为", "人為"})
# One-character morphemes that jieba's dictionary glues to a place name although the place is meant: 日本产 and
# 日本製 ("made in Japan"), 日本籍 ("of Japanese nationality"). The place is a mention there.
# One-character initials of countries that pair into words (中日, 韓朝, 台美): such a pair read across a name's end
# is the name and the next word, not a word the name is part of.
PAIR_INITIALS = frozenset("中日韩韓朝美俄台臺")
PLACE_SUFFIX_MORPHEMES = frozenset("产產産製制籍初队隊化系")
# (日本初の: "Japan's first"; 中国队: its team; 香港の中国化: "sinicisation"; 中国系企業: Chinese-owned)
_RUN_RE = re.compile("[\u3005\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_HAN_RUN_RE = re.compile("[\u3005\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_KANA_RE = re.compile("[\u3040-\u30fa\u30fc-\u30ff]")  # kana, not the middle dot ・ Chinese captions use too


def _is_cjk(ch: str) -> bool:
    return is_han(ch) or is_kana(ch)


class WordBoundaries:
    """The general-language lexicons; they load on first use (or at :meth:`warm_up`)."""

    @cached_property
    def jieba(self):
        import rjieba

        return rjieba

    @cached_property
    def _sudachi_dictionary(self):
        from sudachipy import Dictionary

        return Dictionary(dict="core")

    @cached_property
    def _threads(self) -> threading.local:
        return threading.local()

    @property
    def sudachi(self):
        """A Sudachi tokenizer of this thread (one may not be used by two threads at once) and the short
        split mode; the dictionary, the large part, is loaded once and shared."""
        from sudachipy import SplitMode

        tokenizer = getattr(self._threads, "tokenizer", None)
        if tokenizer is None:
            tokenizer = self._threads.tokenizer = self._sudachi_dictionary.tokenizer(SplitMode.C)
        return tokenizer, SplitMode.A

    def warm_up(self) -> None:
        """Load both lexicons now (a server does this before it forks its workers)."""
        self.segmenter("日本政府", "日本政府").is_word(0, 2)
        self.segmenter("日本の政府", "日本の政府").is_word(0, 2)

    def segmenter(self, text: str, scanned: str) -> TextSegments:
        """Word boundaries of one text, worked out stretch by stretch as names ask for them."""
        return TextSegments(self, text, scanned)


# The general-language lexicons are not glossary data: one instance serves every snapshot of the process
# (and, loaded before a server forks, every worker).
SHARED_BOUNDARIES = WordBoundaries()


class TextSegments:
    """The segmentation of one text's Han/kana stretches, each segmented once when first needed."""

    def __init__(self, lexicons: WordBoundaries, text: str, scanned: str):
        self.lexicons = lexicons
        self.text = text
        self.scanned = scanned
        self._runs: dict[bool, list[tuple[int, int]]] = {}
        self._tokens: dict[tuple[bool, int], tuple[list[int], list[int], list]] = {}
        self._japanese: dict[int, bool] = {}

    def is_word(self, start: int, end: int, place: bool = False, check_start: bool = True,
                check_end: bool = True, lenient: bool = False) -> bool:
        """True when the name [start, end) cuts no word of the text at either edge.

        ``place``: a place name followed by a lone demonym or language morpheme (日本|人) is no word
        either. ``check_start=False`` checks the end only (titles follow what they qualify: 局|局长), and
        ``check_end=False`` the start only (a title follows the name: 吴江浩|大使, where jieba reads 浩大).
        ``lenient``: a long name may leave one character of a word it shares with its neighbour (林芳正|在,
        where jieba reads 正在): a name of several characters is seldom there by chance.
        """
        text = self.text
        left = check_start and start > 0 and _is_cjk(text[start - 1])
        right = check_end and end < len(text) and _is_cjk(text[end])
        if left and not self._edge_ok(start, at_start=True, lenient=lenient):
            return False
        if right:
            if not self._edge_ok(end, at_start=False, lenient=lenient or (
                    place and self.text[end] in PLACE_SUFFIX_MORPHEMES)):
                return False
            if place and self._lone_demonym(end):
                return False
        return True

    def _run_at(self, pos: int, kana: bool) -> int:
        """The index of the stretch that holds text[pos - 1] and text[pos]: of Han characters only
        (segmented by jieba's dictionary), or of Han and kana (``kana``; segmented by Sudachi)."""
        if kana not in self._runs:
            pattern = _RUN_RE if kana else _HAN_RUN_RE
            self._runs[kana] = [m.span() for m in pattern.finditer(self.text)]
        runs = self._runs[kana]
        i = bisect.bisect_right(runs, (pos, len(self.text) + 1)) - 1
        return i if i >= 0 and runs[i][0] < pos < runs[i][1] else -1

    def _segments(self, i: int, kana: bool) -> tuple[list[int], list[int], list]:
        """Token starts, token ends and (for Japanese) the morphemes of stretch ``i``, absolute offsets."""
        if (kana, i) in self._tokens:
            return self._tokens[kana, i]
        lo, hi = self._runs[kana][i]
        if kana:
            tokenizer, _ = self.lexicons.sudachi
            morphemes = list(tokenizer.tokenize(self.text[lo:hi]))
            starts = [lo + m.begin() for m in morphemes]
            ends = [lo + m.end() for m in morphemes]
        else:
            morphemes = []
            tokens = self.lexicons.jieba.tokenize(self.scanned[lo:hi], "default", False)
            starts = [lo + a for _, a, _ in tokens]
            ends = [lo + b for _, _, b in tokens]
        found = self._tokens[kana, i] = (starts, ends, morphemes)
        return found

    def _edge_ok(self, pos: int, at_start: bool, lenient: bool = False) -> bool:
        before, after = self.text[pos - 1], self.text[pos]
        if is_kana(before) != is_kana(after):
            # Between kanji and kana (岸田|は, した|福田, 中国|の): Japanese writes a word's end there. Only
            # kana next to kana (あいさ|つし|た) or Han next to Han (中|日共|同) needs a segmenter.
            return True
        # Japanese text (a stretch with kana in it) is read by Sudachi; Chinese by jieba's dictionary.
        kana = is_kana(before) or self._in_japanese(pos)
        i = self._run_at(pos, kana)
        if i < 0:
            return True
        starts, ends, morphemes = self._segments(i, kana)
        j = bisect.bisect_right(starts, pos) - 1
        if j < 0 or starts[j] == pos or ends[j] <= pos:
            return True  # the segmenter puts a boundary here
        a, b = starts[j], ends[j]
        outside = (a, pos) if at_start else (pos, b)
        if outside[1] - outside[0] < 2:
            if lenient:
                return True
            if not at_start and b - a == 2 and self.text[a] in PAIR_INITIALS and self.text[pos] in PAIR_INITIALS:
                return True  # 北韓|朝東部: jieba reads 韓朝 (the two Koreas), a pair of initials, across the name
            if not at_start and not morphemes and j + 1 < len(starts) and starts[j + 1] == b:
                # The remainder and the next word make a word too: the text reads either way (吴江浩|大使
                # against 吴江|浩大|使, 日本|海产品 against 日本海|产品), and the name's reading is as good.
                return self.lexicons.jieba.has_word(self.scanned[pos : ends[j + 1]])
            return False  # a one-character remainder: the name is part of a longer word
        if morphemes:  # Japanese: the edge must fall between two short units of the compound
            lo = self._runs[kana][i][0]
            _, split_a = self.lexicons.sudachi
            return pos in {lo + p.begin() for p in morphemes[j].split(split_a)}
        return self._words(self.scanned[outside[0] : outside[1]])

    def _words(self, part: str) -> bool:
        """Whether the part of a dictionary entry outside a name is a word, or words of two or more characters
        each: jieba's dictionary holds whole phrases (中国海军舰艇编队), whose rest (舰艇 + 编队) reads as
        words as plainly as a word does."""
        has_word = self.lexicons.jieba.has_word
        if has_word(part):
            return True
        # Any split into dictionary words of two or more characters, not only the one jieba's cut prefers
        # (常任理事国 cuts as 常任理事 + 国, and reads as 常任 + 理事国).
        splits = [True] + [False] * len(part)  # splits[i]: part[:i] is such words
        for i in range(2, len(part) + 1):
            splits[i] = any(splits[j] and has_word(part[j:i]) for j in range(i - 1))
        return splits[-1]

    def tail_joins_next(self, end: int) -> bool:
        """Whether the last character of a name ending at ``end`` makes a word with the word after it, in Chinese
        text: 日本海 + 产品, where 海产品 ("seafood") is a word, so the text also reads 日本 + 海产品; or with what
        follows it, as the segmenter reads the text (日本 + 海產)."""
        if end >= len(self.text) or not is_han(self.text[end - 1]) or not is_han(self.text[end]) \
                or self._in_japanese(end):
            return False
        i = self._run_at(end, False)
        if i < 0:
            return False
        starts, ends, _ = self._segments(i, False)
        j = bisect.bisect_left(starts, end)
        if 0 < j and starts[j - 1] == end - 1 and ends[j - 1] > end:
            return True  # the segmenter itself reads the last character with what follows: 日本|海產
        if j == len(starts) or starts[j] != end or ends[j] - end < 2:
            return False
        return self.lexicons.jieba.has_word(self.scanned[end - 1 : ends[j]])

    def _in_japanese(self, pos: int) -> bool:
        i = self._run_at(pos, True)
        if i < 0:
            return False
        if i not in self._japanese:
            lo, hi = self._runs[True][i]
            self._japanese[i] = _KANA_RE.search(self.text, lo, hi) is not None
        return self._japanese[i]

    def _lone_demonym(self, end: int) -> bool:
        if not is_han(self.text[end - 1]) or not is_han(self.text[end]) or self._in_japanese(end):
            return False  # (Sudachi keeps 日本人 and 中国語 whole, so Japanese text needs no rule)
        i = self._run_at(end, False)
        if i < 0:
            return False
        starts, ends, _ = self._segments(i, False)
        j = bisect.bisect_left(starts, end)
        if j == len(starts) or starts[j] != end:
            return False
        token = self.scanned[end:ends[j]]
        return token in DEMONYM_MORPHEMES or token in DEMONYM_RUN_ON
