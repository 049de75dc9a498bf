"""Word boundaries in Chinese and Japanese text: does a glossary name found in running text cut a word?

Chinese and Japanese print no spaces, so a name can turn up inside a longer word that is not about it:
日共 (the Japanese Communist Party) inside 中日共同开发, 日本海 inside 日本海上保安本部, つし inside
あいさつした, 日本国 inside 日本国内. The text scanner asks this module only about the edges of the
names it found, never about the whole text, so the cost grows with the number of candidate names.

The lexicons are general-language ones from well-kept packages, not a list of ours:

* Chinese: jieba's dictionary through ``rjieba`` (the Rust port, fast and small; its segmenter runs
  over the simplified scan form, so traditional text is read by the same dictionary).
* Japanese: SudachiPy with ``sudachidict-core`` (long units, split mode C, whose parts in split
  mode A tell a compound such as 日本国内 = 日本 + 国内 from a word such as 日本人).

An edge is a word boundary when the segmenter puts one there, or when it falls inside a compound whose
part outside the name is itself a word of two or more characters (日本|政府, 日本|首相, 北京市|政府):
a name that modifies another word is still a mention. A one-character remainder (日本|人, 朝鲜|人,
日本|語, 中|日) means the name is part of another word.
"""

from __future__ import annotations

from functools import cached_property

from glossary.keys import is_han, is_kana

# How far around a name the segmenter looks (characters each side): enough for the words at its edges.
WINDOW = 6
# One-character morphemes that make a place name a demonym or a language name (日本人, 琉球语, 中国話)
# when the segmenter leaves them standing alone after it.
DEMONYM_MORPHEMES = frozenset("人语語话話")


def _is_cjk(ch: str) -> bool:
    return is_han(ch) or is_kana(ch)


class WordBoundaries:
    """Edge checks over the general-language lexicons; the lexicons load on first use."""

    @cached_property
    def _jieba(self):
        import rjieba

        return rjieba

    @cached_property
    def _sudachi(self):
        from sudachipy import Dictionary, SplitMode

        return Dictionary(dict="core").tokenizer(SplitMode.C), SplitMode.A

    def warm_up(self) -> None:
        """Load both lexicons now (a server does this before it forks its workers)."""
        self.is_word(" 日本政府 ", " 日本政府 ", 1, 3)
        self.is_word("日本の政府", "日本の政府", 0, 2)

    def is_word(self, text: str, scanned: str, start: int, end: int, place: bool = False,
                check_start: bool = True) -> bool:
        """True when ``text[start:end]`` starts and ends on word boundaries of ``text``.

        ``scanned`` is the scan form of ``text`` (same length; Han folded to simplified). With
        ``place``, a place name followed by a lone demonym or language morpheme is no word either.
        """
        left = check_start and start > 0 and _is_cjk(text[start - 1])
        right = end < len(text) and _is_cjk(text[end])
        if not left and not right:
            return True
        lo, hi = max(0, start - WINDOW), min(len(text), end + WINDOW)
        if any(is_kana(c) for c in text[lo:hi]):
            return self._japanese(text, start, end, lo, hi, left, right)
        return self._chinese(scanned, start, end, lo, hi, left, right, place)

    def _chinese(self, scanned, start, end, lo, hi, left, right, place) -> bool:
        # Dictionary words only (no HMM guesses: they glue unknown names to their neighbours, 相高市).
        tokens = [(lo + a, lo + b) for _, a, b in self._jieba.tokenize(scanned[lo:hi], "default", False)]
        for edge, check in ((start, left), (end, right)):
            if not check:
                continue
            for a, b in tokens:
                if a < edge < b and not self._soft_chinese(scanned, a, b, edge, edge == start):
                    return False
        if place and right:
            after = next(((a, b) for a, b in tokens if a == end), None)
            if after and after[1] - after[0] == 1 and scanned[after[0]] in DEMONYM_MORPHEMES:
                return False
        return True

    def _soft_chinese(self, scanned, a, b, edge, at_start) -> bool:
        """An edge inside the token [a, b) is soft when the part outside the name is a word (2+ chars)."""
        outside = scanned[a:edge] if at_start else scanned[edge:b]
        return len(outside) >= 2 and self._jieba.has_word(outside)

    def _japanese(self, text, start, end, lo, hi, left, right) -> bool:
        tokenizer, split_a = self._sudachi
        morphemes = tokenizer.tokenize(text[lo:hi])
        for edge, check in ((start, left), (end, right)):
            if not check:
                continue
            for m in morphemes:
                a, b = lo + m.begin(), lo + m.end()
                if a < edge < b and not self._soft_japanese(m, split_a, lo, a, b, edge, edge == start):
                    return False
        return True

    @staticmethod
    def _soft_japanese(morpheme, split_a, lo, a, b, edge, at_start) -> bool:
        """Soft when the edge is between two short units of the compound and the outside part is 2+ chars."""
        outside = edge - a if at_start else b - edge
        if outside < 2:
            return False
        cuts = {lo + p.begin() for p in morpheme.split(split_a)}  # offsets in the tokenized window
        return edge in cuts
