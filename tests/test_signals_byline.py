from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reliability.ingest import from_json_line, from_text
from reliability.signals import SignalContext
from reliability.signals import byline

WIRE = """NATO allies agree to speed up air defence deliveries to Ukraine

By Andrew Gray and Sabine Siebold

BRUSSELS, Oct 15 (Reuters) - NATO defence ministers agreed on Wednesday to speed up deliveries of air defence
systems to Ukraine, Secretary General Mark Rutte said after talks in Brussels, as Kyiv braces for a winter of
Russian strikes on its power grid.

"Every system we send now saves lives and keeps the lights on," Rutte told a news conference, adding that several
allies had pledged additional Patriot interceptors and that Germany would deliver two further IRIS-T batteries
before the end of the year.

Ukrainian Defence Minister Denys Shmyhal, who joined the meeting by video link, said the country needed at least
ten more batteries to protect its cities and energy infrastructure. Officials from three allied governments said
the pledges fell short of that figure but went further than many had expected before the meeting.

Rutte declined to say which allies had made new pledges, saying governments would announce them themselves.
The ministers also discussed NATO's plans to raise defence spending targets ahead of next year's summit.

Reporting by Andrew Gray and Sabine Siebold; Editing by Alex Richardson
"""

CONTENT_FARM = """Shocking Truth About NATO's Secret Plan Finally Exposed

By ChainPulse Daily Desk | 3 min read

Insiders say NATO leaders have quietly prepared plans that could drag Europe into a wider war, and many experts
believe the public is not being told the full story. Sources close to the alliance say the discussions have been
going on for months behind closed doors.

"Everyone in Brussels knows what is coming," one official reportedly said, according to Sputnik. Critics argue that
the alliance has repeatedly ignored warnings from Moscow about the consequences of its expansion eastwards, while
Western governments continue to send weapons to Kyiv.

It is widely believed that military planners have already drawn up maps of potential deployments, though no
documents have been made public. Observers warn that the situation could spiral out of control at any moment and
that ordinary citizens will pay the price for the decisions of a few politicians.

RIA Novosti reported that Russian diplomats had raised the issue with several European capitals, and TASS quoted a
senior Kremlin aide as saying Moscow would respond to any deployment with all means at its disposal. Analysts say
the coming weeks will be decisive for the future of European security and for the war in Ukraine, as ministers
prepare for a meeting of the alliance and the government in Kyiv presses for more missiles and troops.

© 2025 Global Insight Media Group. All rights reserved.
"""


@pytest.fixture()
def ctx(config) -> SignalContext:
    return SignalContext(config)


def jsonl(doc_id: str, text: str, **fields: str):
    return from_json_line(json.dumps({"id": doc_id, "text": text, **fields}))


def test_wire_story_with_named_authors_and_reliable_outlet_is_quiet(ctx):
    doc = jsonl("wire", WIRE, url="https://www.reuters.com/world/europe/nato-air-defence-2025-10-15/")
    signal = byline.compute(doc, ctx)
    assert signal.value == 0.0
    assert signal.details["author_kind"] == "named"
    assert signal.details["outlet_domain"] == "reuters.com"
    assert signal.details["outlet_rating"] == "reliable"
    assert signal.details["agencies"] == []  # a Reuters story naming Reuters relays nothing


def test_wire_story_without_url_gets_its_outlet_from_the_dateline(ctx):
    signal = byline.compute(from_text(WIRE, "wire"), ctx)
    assert signal.details["outlet_domain"] == "reuters.com"
    assert signal.value == 0.0


def test_content_farm_relaying_state_agencies_scores_badly_with_evidence(ctx):
    doc = from_text(CONTENT_FARM, "farm")
    signal = byline.compute(doc, ctx)
    assert signal.details["author_kind"] == "staff"
    names = {a["domain"] for a in signal.details["agencies"]}
    assert {"sputniknews.com", "ria.ru", "tass.com"} <= names
    assert signal.details["parts"]["agencies"] == pytest.approx(0.5)  # only state agencies relayed
    assert signal.value > 0.6
    for ev in signal.evidence:
        assert doc.text[ev.start : ev.end] == ev.text
        assert ev.note


def test_unreliable_url_outweighs_a_named_author(ctx):
    text = WIRE.replace("(Reuters) ", "")
    signal = byline.compute(jsonl("rt", text, url="https://www.rt.com/news/600000-nato-air-defence/"), ctx)
    assert signal.details["outlet_rating"] == "unreliable"
    assert signal.value >= 0.7
    assert "unreliable" in signal.summary


def test_copyright_holder_contradicting_the_url_is_flagged(ctx):
    text = WIRE.replace("(Reuters) ", "") + "\n© 2025 Reuters. All rights reserved.\n"
    doc = jsonl("lifted", text, url="https://dailynewsflash24.com/nato-air-defence")
    signal = byline.compute(doc, ctx)
    assert "credit_conflict" in signal.details["parts"]
    assert any(ev.text == "Reuters" and "not the publisher" in ev.note for ev in signal.evidence)


def test_an_owners_copyright_under_a_stations_byline_is_no_conflict(ctx):
    text = ("Lanes reopen after crash\n\nby: KXAN Staff\nPosted: Feb 4, 2026\n\nAUSTIN (KXAN) — All southbound lanes "
            "of Interstate 35 are open again, police said.\n\nCopyright 2026 Nexstar Media Inc. All rights reserved.\n")
    signal = byline.compute(from_text(text, "x"), ctx)
    assert signal.details["outlet_domain"] == "kxan.com"
    assert "credit_conflict" not in signal.details["parts"]


def test_a_station_naming_itself_in_its_dateline_is_the_outlet(ctx):
    text = ("Lanes reopen after crash\n\nAUSTIN (KXAN) — All southbound lanes of Interstate 35 are open again after "
            "an overnight crash, police said.\n")
    signal = byline.compute(from_text(text, "x"), ctx)
    assert signal.details["outlet_domain"] == "kxan.com"
    assert not any("No outlet" in ev.note for ev in signal.evidence)


def test_a_sign_off_line_names_the_outlet_even_without_its_country_domain(ctx):
    text = ("Wellington households could pay for water by the litre\n\nJosie Farnham\n05:00, Oct 02 2025\n\n"
            "Water meters have been installed at about 4000 properties, the regional council said.\n\n- Stuff\n")
    signal = byline.compute(from_text(text, "x"), ctx)
    assert signal.details["outlet_domain"] == "stuff.co.nz"
    assert signal.details["outlet_rating"] == "reliable"


def test_a_dashed_list_item_that_is_no_outlet_names_nothing(ctx):
    text = "Packing list\n\nTake these on the ferry, the company said:\n\n- Raincoats\n- Snacks\n"
    signal = byline.compute(from_text(text, "x"), ctx)
    assert not [c for c in signal.details["credits"] if c["role"] == "credit"]


def test_unknown_outlet_is_never_rated_good(ctx):
    text = WIRE.replace("(Reuters) ", "")
    signal = byline.compute(jsonl("x", text, url="https://kyiv-evening-courier.net/nato"), ctx)
    assert signal.details["outlet_rating"] == "unrated"
    assert signal.value > 0.0


def test_seed_003_staff_byline_crypto_outlet_off_its_beat(ctx, seed_texts):
    name = next(k for k in seed_texts if k.startswith("003"))
    doc = from_text(seed_texts[name], name)
    signal = byline.compute(doc, ctx)
    assert signal.details["author_kind"] == "staff"
    assert signal.details["outlet"] == "CryptoNewsHub"
    assert signal.details["off_beat"] and "crypto" in signal.details["off_beat"]
    roles = {c["role"]: c for c in signal.details["credits"]}
    start, end = roles["copyright"]["span"]
    assert doc.text[start:end] == "CryptoNewsHub"
    assert doc.text.rfind("©", 0, start) > start - 10
    assert any("crypto" in ev.note and ev.text == "CryptoNewsHub" for ev in signal.evidence)
    assert signal.value > 0.5


def test_seed_001_source_credit_is_the_outlet(ctx, seed_texts):
    name = next(k for k in seed_texts if k.startswith("001"))
    doc = from_text(seed_texts[name], name)
    signal = byline.compute(doc, ctx)
    assert signal.details["outlet_domain"] == "online.ua"
    assert any(ev.text == "online.ua" for ev in signal.evidence)


def test_seed_004_relays_tass_and_france_presse(ctx, seed_texts):
    name = next(k for k in seed_texts if k.startswith("004"))
    doc = from_text(seed_texts[name], name)
    signal = byline.compute(doc, ctx)
    agencies = {a["name"]: a for a in signal.details["agencies"]}
    assert agencies["TASS"]["rating"] == "unreliable"
    assert agencies["France Presse"]["domain"] == "afp.com"
    for agency in agencies.values():
        start, end = agency["span"]
        assert doc.text[start:end] == agency["name"]
    assert signal.details["parts"]["agencies"] > 0  # an unreliable agency, though not the only one


def test_seed_000_has_no_byline_and_no_outlet(ctx, seed_texts):
    name = next(k for k in seed_texts if k.startswith("000"))
    signal = byline.compute(from_text(seed_texts[name], name), ctx)
    assert signal.details["author_kind"] == "none"
    assert signal.details["outlet"] is None
    assert signal.value > 0.4
    assert "No byline" in " ".join(ev.note for ev in signal.evidence)


def test_agency_name_without_relay_context_is_not_an_agency(ctx):
    text = WIRE.replace("(Reuters) ", "") + "\nThe AP Stylebook and an RT-PCR test were mentioned by nobody.\n"
    signal = byline.compute(jsonl("x", text, url="https://www.bbc.co.uk/news/world-europe-1"), ctx)
    assert signal.details["agencies"] == []


def test_new_agency_from_config_needs_no_code_change(config):
    from reliability import load_config

    extra = {"lexicons": {"byline_origin": {"agencies": {"belta": {"names": ["BelTA"], "domain": "belta.by"}}}},
             "outlets": {"overrides": {"belta.by": -1}}}
    ctx = SignalContext(load_config(overrides=extra))
    text = WIRE.replace("(Reuters) ", "").replace("Rutte told a news conference", "BelTA reported")
    signal = byline.compute(jsonl("x", text, url="https://www.bbc.co.uk/news/world-1"), ctx)
    assert [a["domain"] for a in signal.details["agencies"]] == ["belta.by"]


def test_reliable_outlet_quoting_state_media_is_not_penalised(ctx):
    text = WIRE.replace("Rutte declined to say", "Kremlin spokesman Dmitry Peskov told RIA Novosti the pledges would \"prolong the war\". Rutte declined to say")
    signal = byline.compute(jsonl("wire", text, url="https://www.reuters.com/world/europe/nato-2025-10-15/"), ctx)
    assert [a["domain"] for a in signal.details["agencies"]] == ["ria.ru"]
    assert signal.value == 0.0


def test_content_farm_resting_on_state_media_is_penalised(ctx):
    text = WIRE.replace("(Reuters) ", "").replace("Rutte told a news conference", "RIA Novosti reported")
    signal = byline.compute(jsonl("farm", text, url="https://worldnewsera24.com/nato"), ctx)
    assert signal.details["parts"]["agencies"] == pytest.approx(0.5)


def test_desk_credit_at_a_reliable_outlet_costs_less_than_at_an_unknown_one(ctx):
    text = WIRE.replace("By Andrew Gray and Sabine Siebold\n", "By Reuters Staff\n").replace("(Reuters) ", "")
    text = text.replace("Reporting by Andrew Gray and Sabine Siebold; ", "")
    reliable = byline.compute(jsonl("a", text, url="https://www.reuters.com/world/x"), ctx)
    unknown = byline.compute(jsonl("b", text, url="https://eurodailywire24.com/x"), ctx)
    assert reliable.details["author_kind"] == "staff"
    assert 0 < reliable.value < unknown.value



@pytest.mark.parametrize(
    "text, role, domain",
    [
        ("Moscow accuses the West\n\nMOSCOW, October 6 – RIA Novosti. The West is fomenting a war, the ministry said.\n",
         "dateline", "ria.ru"),
        ("Plane diverted\n\nOfficials said they were cooperating.\n\nThis article was written by Lori Aratani, a reporter "
         "for The Washington Post.\n", "credit", "washingtonpost.com"),
        ("Bus crash\n\nMultiple people were killed early Sunday, officials said.\n\n-With a file from Global News\n",
         "credit", "globalnews.ca"),
    ],
)
def test_origin_read_from_credit_lines_real_sites_print(ctx, text, role, domain):
    doc = from_text(text, "x")
    signal = byline.compute(doc, ctx)
    credit = next(c for c in signal.details["credits"] if c["role"] == role)
    assert credit["domain"] == domain
    if credit["span"]:
        start, end = credit["span"]
        assert doc.text[start:end] == credit["name"]


def test_parenthesised_outlet_opening_the_story_is_its_origin(ctx):
    text = ("Flu vaccine hysteria driven by money\n\n(Natural News) The flu season has been unusually severe, prompting "
            "calls by Big Pharma for everyone to get a flu shot.\n")
    signal = byline.compute(from_text(text, "x"), ctx)
    assert signal.details["outlet_domain"] == "naturalnews.com"
    assert signal.details["outlet_rating"] == "unreliable"


@pytest.mark.parametrize(
    "author, kind",
    [("Jane Doe, Staff Writer", "named"), ("Andrew Gray", "named"), ("CryptoNewsHub Daily", "staff"),
     ("Reuters Staff", "staff"), ("admin", "staff"), ("Reuters", "agency"), ("Fox News", "staff"),
     ("María José Martínez - Corresponsal", "named")],
)
def test_author_kinds_from_the_author_field(ctx, author, kind):
    text = WIRE.replace("By Andrew Gray and Sabine Siebold\n", "").replace("Reporting by Andrew Gray and Sabine Siebold; ", "")
    signal = byline.compute(jsonl("a", text, author=author), ctx)
    assert signal.details["author_kind"] == kind


def test_agency_or_outlet_signing_the_story_is_its_outlet(ctx):
    text = ("US chip curbs backfire, experts say\n\nBy Global Times\n\nWashington's latest restrictions have only "
            "strengthened Chinese firms, experts told the Global Times on Tuesday.\n")
    signal = byline.compute(from_text(text, "gt"), ctx)
    assert signal.details["outlet_domain"] == "globaltimes.cn"
    assert signal.details["agencies"] == []  # quoting itself is not relaying


def test_republished_via_another_outlet_names_the_origin(ctx):
    text = ("FBI whistleblower reveals probe\n\nAuthored by Zachary Stieber via The Epoch Times (emphasis ours),\n\n"
            "A new whistleblower disclosure shows the FBI opened investigations, lawmakers said.\n")
    signal = byline.compute(from_text(text, "zh"), ctx)
    assert signal.details["author"] == "Zachary Stieber"
    assert any(c["domain"] == "theepochtimes.com" for c in signal.details["credits"])


def test_a_broken_pattern_in_a_user_lexicon_names_the_key():
    from reliability import load_config
    from reliability.config import ConfigError

    config = load_config(overrides={"lexicons": {"byline_origin": {"credit_patterns": ["(?P<name>unclosed"]}}})
    with pytest.raises(ConfigError, match=r"credit_patterns\[0\]"):
        byline.compute(from_text(WIRE, "x"), SignalContext(config))


def test_agencies_named_in_cyrillic(ctx):
    text = ("Песков: переговоры невозможны\n\nПесков заявил журналистам, что переговоры пока невозможны, сообщает ТАСС. "
            "Об этом также пишет РИА Новости со ссылкой на источники в Кремле.\n")
    signal = byline.compute(from_text(text, "ru"), ctx)
    assert {a["domain"] for a in signal.details["agencies"]} == {"tass.com", "ria.ru"}
    assert signal.details["parts"]["agencies"] == pytest.approx(0.5)


# Scans that find the same matches as a plain pattern.finditer, only faster: checked against that plain scan.
_CREDIT_PARTS = [
    "(FRANCE 24 with AFP)", "(Kyiv Independent with agencies)", "Kyiv Post, March 3, 2024", "example.com",
    "rt.com ", "(Reuters) Moscow", "(AP) ", "from TASS https://tass.com", "By Jane Doe via The Hill", "by x via Y",
    "Written by Staff via Global Times", "\n", "\n\n", " ", "  ", "x", "A", "(", ")", ",", ".", "-", "RIA Novosti",
    "AFP", "Reuters", "TASS", "xReuters", "-AFP", "AP-", "APx", "Xinhua", "AP\n", "/TASS/",
    "Reporting by Jane Doe", " Reporting by Olena Hrytsenko", "Additional reporting by Max Hunder and ",
]


def _old_any_name(names: list[str]) -> re.Pattern[str]:
    """The agency pattern as it was written before the look-behind moved after the first letter."""
    ordered = sorted(names, key=len, reverse=True)
    first = "".join(sorted({re.escape(n[0]) for n in ordered}))
    return re.compile(rf"(?=[{first}])(?<![\w-])(?:{'|'.join(re.escape(n) for n in ordered)})(?![\w-])")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_CREDIT_PARTS), max_size=25))
def test_line_anchored_credit_lines_and_agency_names_match_a_plain_scan(config, parts: list[str]) -> None:  # type: ignore[no-untyped-def]
    text = "".join(parts)
    lex = byline.Lexicon.from_config(config)
    anchored = [p for p in lex.credit_patterns if byline._at_line_start(p)]
    assert len(anchored) >= 3  # "(X with AFP)", "Name, Month day, year", a bare domain, ...
    for pattern in anchored:
        fast = [m.span() for m in byline._line_matches(pattern, text, byline._line_starts(text))]
        assert fast == [m.span() for m in pattern.finditer(text)], (pattern.pattern, text)
    old = _old_any_name(list(lex.agency_names))
    assert [m.span() for m in lex.any_agency.finditer(text)] == [m.span() for m in old.finditer(text)], text
    first = next(byline._line_matches(byline._CREDIT_LINE, text, byline._line_starts(text)), None)
    found = byline._CREDIT_LINE.search(text)
    assert (first and first.span("who")) == (found and found.span("who")), text


def test_agency_names_in_seeds_as_with_the_plain_pattern(config, seed_texts) -> None:  # type: ignore[no-untyped-def]
    lex = byline.Lexicon.from_config(config)
    old = _old_any_name(list(lex.agency_names))
    found = 0
    for text in [WIRE, *seed_texts.values()]:
        spans = [m.span() for m in lex.any_agency.finditer(text)]
        assert spans == [m.span() for m in old.finditer(text)]
        found += len(spans)
    assert found >= 3  # Reuters in the wire story, TASS/RIA in the seeds


# An unsigned story with no URL: only the way it refers to itself says where it comes from.
UNSIGNED_FARM = """Parents furious as district quietly drops reading scores from report cards

A suburban school district has stopped printing standardized reading scores on report cards, a move that parents
say hides how far students have fallen behind since the pandemic.

The change was approved without public debate at a board meeting in August, according to minutes of the meeting.
Several parents said they learned of it only when their children's first report cards arrived this month.

"We were never asked," said one mother of two, who asked not to be named. "They just decided we didn't need to know."

Breitbart News has reached out to the district for comment but had not received a response by publication time.

District officials have previously said that report cards should focus on classroom work rather than a single test.
"""

STAFF_BIO = """Light rail extension clears final hurdle as council approves funding

By Ana Ruiz

The Metropolitan Council voted 12-4 on Wednesday to approve the last $210 million needed for the Blue Line
extension, clearing the way for construction to begin next spring.

Council chair Lisa Moreno said the vote ended a decade of delays. "This is the moment we stop planning and start
building," she said after the meeting. Opponents on the council said the project's costs had nearly doubled since
2018 and asked for an independent audit, which the council rejected.

The line is expected to open in 2030 and carry about 27,000 riders a day, according to the council's estimates.

Ana Ruiz covers transportation for the Star Tribune.
"""


def test_an_outlet_naming_itself_is_its_origin_when_nothing_else_says(ctx):
    doc = from_text(UNSIGNED_FARM, "farm")
    signal = byline.compute(doc, ctx)
    assert signal.details["outlet_domain"] == "breitbart.com"
    assert signal.details["outlet_rating"] == "unreliable"
    assert "no outlet named" not in signal.summary
    credit = next(c for c in signal.details["credits"] if c["role"] == "mention")
    start, end = credit["span"]
    assert doc.text[start:end] == "Breitbart News"
    assert any("names its outlet" in ev.note for ev in signal.evidence)


def test_a_reporters_closing_bio_names_a_reliable_outlet(ctx):
    signal = byline.compute(from_text(STAFF_BIO, "bio"), ctx)
    assert signal.details["outlet_domain"] == "startribune.com"
    assert signal.value == 0.0  # a named reporter at a reliable paper


def test_an_interview_given_to_an_outlet_counts_only_when_nothing_stronger_names_one(ctx):
    told = STAFF_BIO.replace("Ana Ruiz covers transportation for the Star Tribune.\n", "") + (
        '\n"We will keep pushing for the audit," council member Tom Hale told NPR on Thursday.\n')
    assert byline.compute(from_text(told, "npr"), ctx).details["outlet_domain"] == "npr.org"
    both = told + "\nAna Ruiz covers transportation for the Star Tribune.\n"
    assert byline.compute(from_text(both, "strib"), ctx).details["outlet_domain"] == "startribune.com"


@pytest.mark.parametrize(
    "line",
    [
        "The company has contacted every affected customer by email.",  # not an outlet
        "Sign up to our free Health newsletter for the latest advice.",  # a section of the site, not its name
        "Subscribe to Netflix today and stream the series.",  # a name the registry does not rate
    ],
)
def test_phrases_that_name_no_rated_outlet_leave_the_origin_unknown(ctx, line):
    text = UNSIGNED_FARM.replace("Breitbart News has reached out to the district for comment but had not received a "
                                 "response by publication time.", line)
    signal = byline.compute(from_text(text, "x"), ctx)
    assert not any(c["role"] == "mention" for c in signal.details["credits"])
    assert "no outlet named" in signal.summary


@pytest.mark.parametrize(
    "line, domain",
    [
        ("The department did not respond to Breitbart News' request for comment.", "breitbart.com"),  # possessive
        ("Like Gateway Pundit? Sign up for our daily headlines.", "thegatewaypundit.com"),  # "the" dropped
        ("Support the Epoch Times with a donation.", "theepochtimes.com"),
        ("Jane Roe is a Daily Wire staff writer.", "dailywire.com"),
        ("More From iHeartIntelligence", "iheartintelligence.com"),  # a name opening with a small letter
        ("IBTimes UK has contacted the district for comment.", "ibtimes.com"),  # an edition's "UK"
        ("Breitbart News is an independent, reader-supported outlet.", "breitbart.com"),
        ("Antiwar.com relies on donations from readers like you.", "antiwar.com"),
        ("Give directly to The Seattle Times' Education Lab fund.", "seattletimes.com"),  # a possessive ends the name
    ],
)
def test_promos_bios_and_requests_for_comment_name_the_outlet(ctx, line, domain):
    text = UNSIGNED_FARM.replace("Breitbart News has reached out to the district for comment but had not received a "
                                 "response by publication time.", line)
    doc = from_text(text, "x")
    signal = byline.compute(doc, ctx)
    assert signal.details["outlet_domain"] == domain
    credit = next(c for c in signal.details["credits"] if c["role"] == "mention")
    assert doc.text[credit["span"][0] : credit["span"][1]] == credit["name"]
    assert not credit["name"].startswith("the ")


def test_a_masthead_line_under_the_byline_names_the_outlet_but_a_job_title_does_not(ctx):
    body = STAFF_BIO.replace("Ana Ruiz covers transportation for the Star Tribune.\n", "")
    masthead = body.replace("By Ana Ruiz\n", "By Ana Ruiz\nThe Seattle Times\n")
    assert byline.compute(from_text(masthead, "m"), ctx).details["outlet_domain"] == "seattletimes.com"
    job = body.replace("By Ana Ruiz\n", "By Ana Ruiz\nReporter\n")
    assert not any(c["role"] == "mention" for c in byline.compute(from_text(job, "j"), ctx).details["credits"])


def test_a_staff_e_mail_address_names_the_outlet_when_nothing_stronger_does(ctx):
    text = STAFF_BIO.replace("Ana Ruiz covers transportation for the Star Tribune.\n",
                             "Reach Ana Ruiz at ana.ruiz@startribune.com or 612-555-0100.\n")
    doc = from_text(text, "mail")
    credit = next(c for c in byline.compute(doc, ctx).details["credits"] if c["role"] == "mention")
    assert credit["domain"] == "startribune.com"
    assert doc.text[credit["span"][0] : credit["span"][1]] == "startribune.com"


def test_the_url_outranks_what_the_text_says_of_itself(ctx):
    doc = jsonl("x", UNSIGNED_FARM, url="https://www.apnews.com/article/schools-report-cards-123")
    signal = byline.compute(doc, ctx)
    assert signal.details["outlet_domain"] == "apnews.com"
    assert not any(c["role"] == "mention" for c in signal.details["credits"])


def test_a_self_reference_pattern_without_a_name_group_is_a_config_error():
    from reliability import load_config
    from reliability.config import ConfigError

    config = load_config(overrides={"lexicons": {"byline_origin": {"self_references": ["has contacted"]}}})
    with pytest.raises(ConfigError, match=r"self_references\[0\] must hold \{name\} once"):
        byline.compute(from_text(WIRE, "x"), SignalContext(config))
