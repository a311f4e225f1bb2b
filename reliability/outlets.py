"""Outlet registry: how reliable is the outlet behind a URL, a domain or a name?

Ratings come from ``reliability/data/outlets.csv`` (Burdisso et al. 2024, Apache-2.0; see NOTICE beside it), then
``[outlets.overrides]`` in the config replaces any domain's label. Names ("Reuters", "France Presse") map to domains
through the ``byline_origin`` lexicon's ``[agencies]`` table.

>>> from reliability import load_config
>>> registry = OutletRegistry.from_config(load_config())
>>> registry.lookup_url("https://edition.cnn.com/2025/world/x.html").label
1
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Mapping
from urllib.parse import urlsplit

from .config import Config

DATA_FILE = Path(__file__).parent / "data" / "outlets.csv"

LABEL_WORDS: Mapping[int, str] = {1: "reliable", 0: "mixed", -1: "unreliable", -2: "blacklisted"}
_GUESS_SUFFIXES = (".com", ".org", ".net", ".co.uk", ".news", ".info", ".ca", ".com.au", ".in", ".ru", ".ua", ".ie",
                   ".co", ".us", ".tv",
                   # Outlets named without their country's domain: "Stuff" (stuff.co.nz), "Mainichi" (mainichi.jp).
                   ".co.nz", ".nz", ".jp", ".ch", ".de", ".fr", ".it", ".es", ".nl", ".be", ".at", ".se", ".no", ".dk",
                   ".fi", ".pl", ".cz", ".gr", ".pt", ".co.za", ".com.sg", ".sg", ".com.ph", ".ph", ".com.my", ".pk",
                   ".ng", ".co.ke", ".com.hk", ".hk", ".tw", ".co.kr", ".kr", ".cn", ".ir", ".ae", ".qa", ".co.il",
                   ".il", ".com.br", ".br", ".com.mx", ".mx", ".com.ar", ".ar", ".cl", ".pe", ".co.in")
_HOST = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$")


@dataclass(frozen=True, slots=True)
class OutletRating:
    """What the registry knows about one outlet. ``label`` is None when the outlet is not rated."""

    domain: str | None
    label: int | None
    newsguard: float | None = None
    source: str = "unknown"  # mbfc | wikipedia | newsguard | manual | config | unknown

    @property
    def known(self) -> bool:
        return self.label is not None

    @property
    def word(self) -> str:
        """"reliable", "mixed", "unreliable", "blacklisted" or "unrated"."""
        return LABEL_WORDS.get(self.label, "unrated") if self.label is not None else "unrated"

    def as_dict(self) -> dict[str, object]:
        return {"domain": self.domain, "label": self.label, "rating": self.word, "newsguard": self.newsguard,
                "source": self.source}


UNKNOWN = OutletRating(None, None)


def host_of(url_or_domain: str) -> str | None:
    """Lower-case host of a URL or bare domain, without port, credentials or a leading ``www.``; None if not a host."""
    raw = url_or_domain.strip().lower()
    if not raw:
        return None
    if "://" not in raw:
        raw = "//" + raw
    try:
        host = urlsplit(raw).hostname or ""
    except ValueError:
        return None
    host = host.rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    return host if _HOST.match(host) else None


@lru_cache(maxsize=1)
def _extractor() -> object:
    import tldextract

    # The bundled public-suffix snapshot: no network access, no cache written to the user's home.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def registered_domain(host: str) -> str:
    """``edition.cnn.com`` -> ``cnn.com``, ``news.bbc.co.uk`` -> ``bbc.co.uk`` (public-suffix aware)."""
    parts = _extractor()(host)  # type: ignore[operator]
    return f"{parts.domain}.{parts.suffix}" if parts.domain and parts.suffix else host


_CORPORATE_TAIL = re.compile(
    r"(?:[\s,]+(?:inc|ltd|limited|llc|plc|gmbh|corp|corporation|dac|pty|ag|s\.?a|b\.?v|n\.?v|l\.?l\.?p|l\.?p|all rights reserved|"
    r"(?:19|20)\d\d)\.?)+\s*$",
    re.I,
)
# A copyright notice in front of the name: "Copyright 2025 GreenMedInfo LLC", "© 2024 The Irish Times".
_COPYRIGHT_HEAD = re.compile(r"^\s*(?:copyright|©|\(c\))\s*(?:(?:19|20)\d\d(?:\s*[-–]\s*(?:19|20)?\d\d)?)?[\s,.]*", re.I)
# Words an outlet's name often carries beyond its domain: "WIBW News" is wibw.com, "The Irish Times" irishtimes.com,
# "IBTimes UK" ibtimes.co.uk.
_LEADING_THE = "the"
_GENERIC_TAILS = ("news", "media", "online", "digital", "tv", "newspaper", "company", "network", "group", "uk")


_NAME_WORDS = re.compile(r"[A-Za-z0-9]+")


def name_key(name: str) -> str:
    """Normalise an outlet or agency name for comparison: "Agence France-Presse" -> "agencefrancepresse",
    "Guardian News & Media Limited 2025" -> "guardiannewsmedia", "Copyright 2025 GreenMedInfo LLC" ->
    "greenmedinfo"."""
    return re.sub(r"[^0-9a-z]+", "", _CORPORATE_TAIL.sub("", _COPYRIGHT_HEAD.sub("", name)).lower())


def _key_variants(key: str, add_the: bool = False) -> list[str]:
    """The key, then without a leading "the", then without up to two generic trailing words ("Breitbart News
    Network"), then (``add_the``) each of those with a leading "the"; a variant shorter than three letters is too vague
    to guess a domain from."""
    out = [key]
    if key.startswith(_LEADING_THE) and len(key) > len(_LEADING_THE) + 2:
        out.append(key[len(_LEADING_THE):])
    for _ in range(2):
        out += [k[: -len(t)] for k in out for t in _GENERIC_TAILS if k.endswith(t) and len(k) - len(t) >= 3]
    # Last, with the "the" a name often drops: "Blaze News" is theblaze.com, "Automatic Earth" theautomaticearth.com.
    if add_the:
        out += [_LEADING_THE + k for k in out if not k.startswith(_LEADING_THE)]
    return list(dict.fromkeys(out))


class OutletRegistry:
    """Domain -> :class:`OutletRating`, with lookups by URL, domain and name."""

    def __init__(self, ratings: Mapping[str, OutletRating], names: Mapping[str, str] | None = None) -> None:
        self._ratings = dict(ratings)
        self._names = {name_key(k): v for k, v in (names or {}).items()}

    @classmethod
    def from_config(cls, config: Config, data_file: Path = DATA_FILE) -> "OutletRegistry":
        ratings = read_csv(data_file)
        for domain, label in config.section("outlets", "overrides").items():
            ratings[domain.lower()] = _override(domain, label, config.source)
        return cls(ratings, agency_domains(config))

    def __len__(self) -> int:
        return len(self._ratings)

    def lookup_domain(self, domain: str) -> OutletRating:
        """The rating of ``domain`` or of the nearest parent domain that is rated; unrated otherwise."""
        host = host_of(domain)
        if host is None:
            return UNKNOWN
        labels = host.split(".")
        for i in range(len(labels) - 1):  # news.online.ua, then online.ua — never the bare suffix
            candidate = ".".join(labels[i:])
            if candidate in self._ratings:
                return self._ratings[candidate]
        return OutletRating(registered_domain(host), None)

    def lookup_url(self, url: str) -> OutletRating:
        return self.lookup_domain(url)

    def domain_for_name(self, name: str) -> str | None:
        """The domain an outlet or agency name stands for: lexicon mapping, a domain-like name, or one sure guess."""
        key = name_key(name)
        if not key:
            return None
        if key in self._names:
            return self._names[key]
        host = host_of(name) if "." in name and " " not in name.strip() else None
        if host:
            return host
        # The fullest form of the name that fits any rated domain decides; shorter forms only when it fits none
        # ("Fox News" stays foxnews.com; "WIBW News" falls back to wibw.com).
        # "the" is added only to a name of two words or more: "Gateway Pundit" is thegatewaypundit.com, but a lone
        # "Sun" or "Times" is too common a word to stand for thesun.co.uk or thetimes.co.uk.
        for variant in _key_variants(key, add_the=len(_NAME_WORDS.findall(name)) >= 2):
            if variant in self._names:
                return self._names[variant]
            guesses = [variant + suffix for suffix in _GUESS_SUFFIXES if variant + suffix in self._ratings]
            if guesses:
                # "<name>.com" is a guess: trust it only when every rated domain that fits agrees on the label
                # ("Global Research": globalresearch.ca and .org are both blacklisted).
                groups = {_group(self._ratings[g].label) for g in guesses}
                return max(guesses, key=lambda g: self._ratings[g].label or 0) if len(groups) == 1 else None
        return None

    def lookup_name(self, name: str) -> OutletRating:
        domain = self.domain_for_name(name)
        return self.lookup_domain(domain) if domain else UNKNOWN


def _group(label: int | None) -> str:
    """Ratings that mean the same to an editor: -1 and -2 are both "do not trust"."""
    return "bad" if label is not None and label < 0 else str(label)


def read_csv(path: Path) -> dict[str, OutletRating]:
    """Ratings from a ``domain,reliability_label,newsguard_score,label_source`` CSV; bad rows are skipped."""
    out: dict[str, OutletRating] = {}
    with path.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            rating = _row_rating(row)
            if rating is not None and rating.domain:
                out[rating.domain] = rating
    return out


def _row_rating(row: Mapping[str, str | None]) -> OutletRating | None:
    domain = host_of(row.get("domain") or "")
    try:
        label = int(row.get("reliability_label") or "")
    except ValueError:
        return None
    if domain is None or label not in LABEL_WORDS:
        return None
    score = row.get("newsguard_score") or ""
    newsguard = float(score) if re.fullmatch(r"\d+(?:\.\d+)?", score) else None
    return OutletRating(domain, label, newsguard, row.get("label_source") or "unknown")


def _override(domain: str, label: object, where: str) -> OutletRating:
    from .config import ConfigError

    if isinstance(label, bool) or not isinstance(label, int) or label not in LABEL_WORDS:
        raise ConfigError(f"{where}: outlets.overrides.{domain!r} must be 1, 0, -1 or -2, got {label!r}")
    host = host_of(domain)
    if host is None:
        raise ConfigError(f"{where}: outlets.overrides key {domain!r} is not a domain")
    return OutletRating(host, label, None, "config")


def agency_domains(config: Config) -> dict[str, str]:
    """Every agency and outlet name in the ``byline_origin`` lexicon -> its domain."""
    lexicon = config.lexicon("byline_origin")
    out: dict[str, str] = {str(k): str(v) for k, v in lexicon.get("outlet_names", {}).items()}
    for entry in lexicon.get("agencies", {}).values():
        for name in _names(entry):
            out[name] = str(entry["domain"])
    return out


def _names(entry: Mapping[str, object]) -> Iterable[str]:
    names = entry.get("names", [])
    return [str(n) for n in names] if isinstance(names, list) and entry.get("domain") else []
