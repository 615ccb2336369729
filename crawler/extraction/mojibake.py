"""GBK text decoded at the wrong byte offset, found in published text — detected, left as found.

Seed 000 (and 002, 004) carry runs such as ``?。ㄒ唬┲屨紕?chuàng)新驅(qū)動``: some step before
the page was published decoded GBK bytes one byte off, so each character is made of the second
half of one original character and the first half of the next, and the byte lost at the start
became ``?``. In raw form such a run can be realigned (encode as GBK, drop one byte, decode).

govwatch detects these runs and reports them in ``Extraction.warnings``, but does not repair
them, because on the pages where they occur the repair cannot be trusted:

- The copies went through more processing after the misdecoding (full-width punctuation folded
  to ASCII, pinyin annotations inserted), so the bytes no longer realign exactly. On the seeds,
  realignment gives 「（四）推動城鄉」 and 「空氣質」 right, but also 「（订打造產」 for （二）打造
  and 「提神共享」 for 提升共享: plausible characters that the publisher never wrote. A wrong
  but plausible character is worse than visible mojibake — a reader, a keyword match and a diff
  all take it for the published text, and nothing marks it as a guess.
- The first and last character of every run are lost for good (their other halves became ``?``),
  so even a correct realignment leaves gaps.
- The runs are deterministic: the same page yields the same run on every crawl, so they cause no
  false changes, and if the publisher fixes the page that is a real change users should see.

So ``text`` stays as published (converter debris aside, which is removed because it is never
text) and the warning tells the reader why some characters look wrong.
"""

from __future__ import annotations

import re
from functools import lru_cache

from crawler.extraction.text import to_simplified

# An ASCII "?" (the lost byte) directly followed by a run of non-ASCII characters.
_CANDIDATE = re.compile(r"\?([^\x00-\x7f]{2,12})")
# Punctuation a Chinese sentence uses; anything else outside the common hanzi is suspicious.
_COMMON_PUNCT = frozenset("，。、；：？！“”‘’（）《》〔〕【】—…·")
_MIN_UNCOMMON_SHARE = 0.5


@lru_cache(maxsize=16384)
def _common(char: str) -> bool:
    """A character of GB2312's first level (the 3,755 most used hanzi), in simplified script,
    or common punctuation. Misaligned GBK produces mostly rarer hanzi and symbols (bopomofo, box
    drawing, kana), which is what tells a run from ordinary text."""
    if char in _COMMON_PUNCT:
        return True
    simplified = to_simplified(char)
    try:
        encoded = simplified.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return len(encoded) == 2 and 0xB0 <= encoded[0] <= 0xD7


def misaligned_runs(text: str) -> list[str]:
    """The runs of ``text`` that look like GBK decoded one byte off (each with its ``?``)."""
    found = []
    for match in _CANDIDATE.finditer(text):
        run = match.group(1)
        try:
            run.encode("gbk")
        except UnicodeEncodeError:
            continue  # characters GBK can't hold did not come out of a GBK decoder
        uncommon = sum(not _common(c) for c in run)
        if uncommon / len(run) >= _MIN_UNCOMMON_SHARE:
            found.append(match.group(0))
    return found
