from __future__ import annotations

import pytest

from reliability import load_config
from reliability.config import ConfigError
from reliability.outlets import OutletRegistry, host_of, registered_domain


@pytest.fixture(scope="module")
def registry(config) -> OutletRegistry:
    return OutletRegistry.from_config(config)


def test_registry_loads_every_labelled_domain(registry):
    assert len(registry) > 5000


@pytest.mark.parametrize(
    "url, label",
    [
        ("https://www.reuters.com/world/europe/nato-chief-says-2025-11-08/", 1),
        ("https://edition.cnn.com/2025/11/08/europe/nato-no-fly-zone/index.html", 1),
        ("http://news.bbc.co.uk/2/hi/europe/1234.stm", 1),
        ("https://tass.com/politics/1876543", -1),
        ("https://www.infowars.com/posts/nato-war", -1),
        ("lenta.ru", -2),
    ],
)
def test_lookup_by_url_strips_subdomains_and_rates(registry, url, label):
    assert registry.lookup_url(url).label == label


def test_unknown_domain_is_unrated_but_keeps_its_registered_domain(registry):
    rating = registry.lookup_url("https://news.online.ua/politics/stoltenberg-memoir")
    assert rating.label is None
    assert rating.word == "unrated"
    assert rating.domain == "online.ua"


@pytest.mark.parametrize(
    "name, domain",
    [("Reuters", "reuters.com"), ("France Presse", "afp.com"), ("Agence France-Presse", "afp.com"),
     ("TASS", "tass.com"), ("Associated Press", "apnews.com"), ("online.ua", "online.ua")],
)
def test_names_map_to_domains_through_the_agency_lexicon(registry, name, domain):
    assert registry.domain_for_name(name) == domain


def test_name_guess_only_when_one_rated_domain_fits(registry):
    assert registry.domain_for_name("Breitbart") == "breitbart.com"
    assert registry.lookup_name("Breitbart").label == -1
    # Not in the registry under any suffix: no guessed domain, and never a good rating.
    assert registry.domain_for_name("CryptoNewsHub") is None
    assert registry.lookup_name("CryptoNewsHub").known is False


def test_config_override_replaces_a_dataset_label():
    config = load_config(overrides={"outlets": {"overrides": {"rt.com": 0, "example-news.org": 1}}})
    registry = OutletRegistry.from_config(config)
    assert registry.lookup_domain("rt.com").label == 0
    assert registry.lookup_domain("www.example-news.org").source == "config"


def test_default_override_fixes_the_known_ajc_error(registry):
    assert registry.lookup_domain("ajc.com").label == 1


def test_bad_override_names_the_key():
    with pytest.raises(ConfigError, match="outlets.overrides"):
        OutletRegistry.from_config(load_config(overrides={"outlets": {"overrides": {"rt.com": "bad"}}}))


def test_host_of_rejects_non_hosts():
    assert host_of("not a domain at all") is None
    assert host_of("https://WWW.Reuters.com:443/x") == "reuters.com"
    assert registered_domain("edition.cnn.com") == "cnn.com"


def test_name_guess_across_suffixes_when_all_agree(registry):
    # globalresearch.ca and globalresearch.org are both blacklisted: the guess is safe.
    assert registry.lookup_name("Global Research").word == "blacklisted"
    # npr.org is reliable but npr.news is a lookalike rated unreliable: no guess; the lexicon maps "NPR" instead.
    assert registry.domain_for_name("NPR") == "npr.org"


def test_company_suffixes_are_ignored_in_names(registry):
    assert registry.domain_for_name("Guardian News & Media Limited 2025") == "theguardian.com"


def test_no_guess_when_lookalike_domains_disagree():
    from reliability.outlets import OutletRating

    registry = OutletRegistry({"dailyherald.com": OutletRating("dailyherald.com", 1),
                               "dailyherald.news": OutletRating("dailyherald.news", -1)})
    assert registry.domain_for_name("Daily Herald") is None
    assert registry.lookup_name("Daily Herald").known is False


@pytest.mark.parametrize(
    "name, domain",
    [("Copyright 2025 GreenMedInfo LLC", "greenmedinfo.com"), ("The Irish Times DAC", "irishtimes.com"),
     ("© 2025 The Seattle Times Company", "seattletimes.com"), ("Breitbart News Network", "breitbart.com"),
     ("WIBW News", "wibw.com"), ("Bloomberg L.P", "bloomberg.com"),
     ("United Press International, Inc", "upi.com"), ("Korean Central News Agency", "kcna.kp")],
)
def test_credit_lines_name_the_outlet_with_notices_and_generic_words_around_it(registry, name, domain):
    """Copyright lines and mastheads wrap the outlet's name in a notice, a company form or a generic word."""
    assert registry.domain_for_name(name) == domain


def test_the_fullest_name_that_fits_decides(registry):
    # foxnews.com is rated: "Fox News" is not cut down to a guess about "fox".
    assert registry.domain_for_name("Fox News") == "foxnews.com"
    # Nothing rated fits any form of the name: no guess.
    assert registry.domain_for_name("CryptoNewsHub Media Group") is None


def test_a_name_printed_without_its_the_finds_its_domain_only_when_it_has_two_words(registry):
    # Sites drop the "the" of their domain in running text: "Gateway Pundit" is thegatewaypundit.com.
    assert registry.domain_for_name("Gateway Pundit") == "thegatewaypundit.com"
    # A lone common word is not taken for a "the" domain: "Times" and "Sun" stand for no outlet by themselves.
    assert registry.domain_for_name("Times") is None
    assert registry.domain_for_name("Sun") is None
