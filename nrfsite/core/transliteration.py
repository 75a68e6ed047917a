"""Latin spellings of one name: "Massoud", "Masoud" and "Masood" are مسعود written down by different hands.

Dari and Pashto names reach English sources through several transliterations: a long vowel written "ou",
"oo" or "u"; the one letter ی read as "i", "e", "ee" or "ay" (Panjshir, Panjsher, Panjsheer, Panjshayr); a
short vowel that Arabic script does not write, spelled "u" by one source and "a" by another (Dostum,
Dostam). `translit_key()` reduces a Latin word to a key that these spellings share and that different
names keep apart (Nazar and Nazir, Rashid and Rashad, Karim and Karam); `variants()` finds, among the names
the site knows, the words that share a query word's key, so that a search for one spelling also searches
the others.
"""

import collections
import functools
import re
import unicodedata

MIN_LETTERS = 3  # shorter words ("al", "de") would meet too many others
MAX_VARIANTS = 8  # other spellings searched for one word of a query, at most
_PARTS = re.compile(r"[aeiou]+|[^aeiou]+")
_LETTERS = re.compile(r"[^\W\d_]+")


@functools.lru_cache(maxsize=65536)  # the names a search reads are the same few thousand words every time
def translit_key(word):
    """The key a Latin word shares with its other spellings; None for a word of another script, or of digits.

    "Massoud", "Masoud", "Masood" and "Masud" → "masad"; "Panjshir", "Panjsher", "Panjsheer", "Panjshayr"
    and "Panjshīr" → "panjshir"; "Dostum" and "Dostam" → "dustam"; "Mohammad" and "Muhammad" → "muhamad".

    The rules, in order: lower case, without diacritics (ā, ī, ō); y is a vowel where no vowel follows it
    (Nazary, Panjshayr); a doubled consonant is one (Massoud, Atta). Then each run of vowels becomes one:
    a, aa → a; e, i, ee, ei, ie → i; o, u, oo, ou → u; ai before a consonant → i (Panjshayr). After the first
    vowel of a word, a and u are one vowel, the unwritten short vowel transliterators hear differently
    (Dostum, Dostam), while i stays apart (Nazar, Nazir). The first vowel keeps a apart from u (Nur, Nar).
    """
    plain = "".join(c for c in unicodedata.normalize("NFKD", word.lower()) if not unicodedata.combining(c))
    if not re.fullmatch(rf"[a-z]{{{MIN_LETTERS},}}", plain):
        return None
    plain = re.sub(r"y(?![aeiou])", "i", plain)
    plain = re.sub(r"([^aeiou])\1+", r"\1", plain)
    parts = _PARTS.findall(plain)
    key, vowels = [], 0
    for position, part in enumerate(parts):
        if part[0] not in "aeiou":
            key.append(part)
            continue
        vowels += 1
        if set(part) == {"a"}:
            vowel = "a"
        elif set(part) <= {"e", "i"}:
            vowel = "i"
        elif set(part) <= {"o", "u"}:
            vowel = "u"
        elif part == "ai" and position < len(parts) - 1:
            vowel = "i"
        else:
            vowel = part  # "ia" of Paktia, "ai" of Karzai: as written
        key.append("a" if vowels > 1 and vowel == "u" else vowel)
    return "".join(key)


def name_words(names):
    """The words of `names` that may be names in Latin script: those that start with a capital letter.

    Proper names are capitalised; the lower-case words of titles ("from", "nor", "iron") are left out, so a
    name is never read as another spelling of a common word."""
    for name in names:
        for word in _LETTERS.findall(name or ""):
            if word[0].isupper():
                yield word


def variants(words, names, *, limit=MAX_VARIANTS):
    """{word: the words of `names` that share its key (at most `limit`)}, for each of `words` that has a key.

    `names` (an iterable of strings, such as a lazy queryset of entity names) is only read when a word has
    a key. A variant is as the names most often write it ("Massoud"); one that differs from the word only in
    case is not a variant. The most frequent come first, then in alphabetical order."""
    keys = {word: key for word in words if (key := translit_key(word))}
    if not keys:
        return {}
    by_key = _spellings_by_key(tuple(names))
    found = {}
    for word, key in keys.items():
        spelled = [written for lower, written in by_key.get(key, ()) if lower != word.lower()]
        if spelled:
            found[word] = tuple(spelled[:limit])
    return found


@functools.lru_cache(maxsize=4)  # the same names are read for every search, until an editor changes one
def _spellings_by_key(names):
    """{key: [(word in lower case, as most often written)], the commonest first} of the name words of `names`."""
    written = collections.defaultdict(collections.Counter)
    for word in name_words(names):
        written[word.lower()][word] += 1
    by_key = collections.defaultdict(list)
    for lower, counts in sorted(written.items(), key=lambda item: (-item[1].total(), item[0])):
        if key := translit_key(lower):
            by_key[key].append((lower, counts.most_common(1)[0][0]))
    return dict(by_key)
