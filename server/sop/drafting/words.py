"""Reading the words of an SOP row: loosely matched actor names, the actors a Kegiatan names after
"kepada" / "dari" / "memerintahkan", short and readable names (ids from text: sop/slugs.py).

Agencies write an actor's name shorter in the Kegiatan than in the column header ("admin" for
"Admin Media Sosial", "Ketua Kelompok HKSH" for "Ketua Kelompok Hukum, Kerja Sama, dan Humas"),
so names are matched word by word, with prefixes, known abbreviations and acronyms."""
from __future__ import annotations

import re
from typing import NamedTuple

from ..slugs import tokens

# Abbreviations the seeds use, expanded before matching.
_ABBREVIATIONS = {"medsos": ("media", "sosial"), "tu": ("tata", "usaha"), "kabag": ("kepala", "bagian"),
                  "kasubag": ("kepala", "subbagian"), "kasubbag": ("kepala", "subbagian"),
                  "karo": ("kepala", "biro"), "ppid": ("ppid",)}
_LINKS = {"dan", "&", "serta"}
# Where an actor's name ends inside a Kegiatan.
_NAME_END = {"untuk", "yang", "apabila", "jika", "bila", "agar", "supaya", "melakukan", "menjadi", "ke", "di",
             "pada", "dengan", "terhadap", "berupa", "sebagai", "atas", "tentang", "setelah", "sebelum"}


def _expanded(parts: list[str]) -> list[str]:
    out: list[str] = []
    for part in parts:
        out.extend(_ABBREVIATIONS.get(part, (part,)))
    return out


def _word_match(word: str, name_word: str) -> bool:
    if word == name_word:
        return True
    short, long_ = sorted((word, name_word), key=len)
    return len(short) >= 4 and long_.startswith(short)


def _acronym_run(word: str, name: list[str]) -> bool:
    """'hksh' = the initials of a run of the name's words ('hukum kerja sama ... humas'), links skipped."""
    if len(word) < 2:
        return False
    initials = "".join(w[0] for w in name if w not in _LINKS)
    return word in initials


def match_length(phrase: list[str], actor: str) -> int:
    """How many words from the start of `phrase` name `actor` (0: the phrase does not name it)."""
    return _match(phrase, actor)[0]


def _match(phrase: list[str], actor: str) -> tuple[int, int]:
    """(how many name words match, how many of the phrase's own words they take up): abbreviations
    count as the words they stand for, links between name words ("dan") as none."""
    name = _expanded(tokens(actor))
    count = used = 0
    for i, word in enumerate(phrase):
        for part in _ABBREVIATIONS.get(word, (word,)):
            if part in _LINKS and count:
                continue
            if any(_word_match(part, n) for n in name) or _acronym_run(part, name):
                count += 1
                used = i + 1
            else:
                return count, used
    return count, used


def best_actor(phrase_text: str, actors: list[str]) -> int | None:
    """The column whose actor the phrase names (loosely), or None when it names none or several."""
    phrase = []
    for word in tokens(phrase_text):
        if word in _NAME_END:
            break
        phrase.append(word)
    phrase = phrase[:8]
    if not phrase:
        return None
    scores = [match_length(phrase, actor) for actor in actors]
    best = max(scores, default=0)
    if best == 0 or scores.count(best) > 1:
        return None
    return scores.index(best)


def named_after(text: str, words: str, actors: list[str]) -> list[tuple[int, str]]:
    """Every (column, quoted phrase) the text names right after one of `words` (a regex
    alternative such as "kepada|memerintahkan"), in order."""
    found = []
    for match in re.finditer(rf"\b(?:{words})\s+(?=(.{{1,80}}))", text, re.IGNORECASE):
        column = best_actor(match[1], actors)
        if column is not None:
            found.append((column, _quote(match[0] + match[1], 6)))
    return found


class LeadingActor(NamedTuple):
    column: int                # the actor's column
    quote: str                 # the Kegiatan's first words, for the report
    words: int                 # how many of the Kegiatan's words name the actor


def leading_actor(text: str, actors: list[str]) -> LeadingActor | None:
    """The actor named as the subject at the start of a Kegiatan ('Admin Media Sosial melaporkan'),
    or None; with how many words name it, so the rest can be read (the step's id)."""
    parts = tokens(text)
    for column, actor in enumerate(actors):
        n, used = _match(parts, actor)
        if n and used < len(parts) and re.match(r"^(me|ber|di)", parts[used]):
            others = [match_length(parts, a) for i, a in enumerate(actors) if i != column]
            if n > max(others, default=0):
                return LeadingActor(column, _quote(text, 5), used)
    return None


def _quote(text: str, count: int = 8) -> str:
    words = text.split()
    return " ".join(words[:count]).rstrip(",.;:") + (" ..." if len(words) > count else "")


def short_name(text: str, limit: int = 60) -> str:
    """A task's name: the Kegiatan's first sentence, cut at a word boundary to about `limit`."""
    first = " ".join(text.split())
    first = re.split(r"(?<=[.;])\s", first, maxsplit=1)[0].rstrip(".;,")
    if len(first) <= limit:
        return first
    cut = first[:limit].rsplit(" ", 1)[0].rstrip(",;:")
    return re.sub(r"\s+(dan|atau|yang|untuk|ke|di|dari|kepada|serta|beserta|dengan)$", "", cut)


_SMALL = {"dan", "di", "ke", "dari", "yang", "untuk", "melalui", "pada", "atau", "dengan", "serta", "oleh",
          "tentang", "bagi", "dalam"}


def readable(text: str) -> str:
    """A name printed in capitals made readable: 'ALUR UPLOAD KONTEN' -> 'Alur Upload Konten'."""
    text = " ".join(text.split())
    letters = [c for c in text if c.isalpha()]
    if not letters or any(c.islower() for c in letters):
        return text
    out = []
    for i, word in enumerate(text.split()):
        low = word.lower()
        out.append(low if i and low in _SMALL else low[:1].upper() + low[1:])
    return " ".join(out)
