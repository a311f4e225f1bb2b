"""Ingestion: every input format, metadata clues in the seeds' own lines, and bad input skipped with reasons."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path


from reliability.ingest import ingest

WIRE = (
    "Allies pledge more air defence for Ukraine\n\n"
    "BRUSSELS, Oct 14 (Reuters) - NATO defence ministers agreed on Tuesday to send more air defence systems "
    "to Ukraine, Secretary General Mark Rutte told reporters after the meeting.\n"
)


def test_txt_text_is_the_file_exactly(seeds_dir, config):
    docs, skipped = ingest([seeds_dir], config)
    assert skipped == []
    assert [d.id for d in docs] == sorted(p.stem for p in seeds_dir.glob("*.txt"))
    for doc in docs:
        assert doc.text == (seeds_dir / f"{doc.id}.txt").read_text(encoding="utf-8")


def test_seed_metadata_clues(seeds_dir, config):
    docs = {d.id[:3]: d for d in ingest([seeds_dir], config)[0]}
    assert docs["000"].meta.title.startswith("NATO’s Stance on Ukraine No-Fly Zone")
    # 001: "date 2025-11-09 <title>" on its first line
    m1 = docs["001"].meta
    assert m1.published == "2025-11-09"
    assert m1.title == "Stoltenberg recalled a painful conversation with Zelensky in February 2022"
    assert m1.clues["source"] == "online.ua"
    s, e = m1.spans["source"]
    assert docs["001"].text[s:e] == "online.ua"
    # 003: "By CryptoNewsHub Staff | November 8, 2025 – 10:51am CET | ..."
    m3 = docs["003"].meta
    assert m3.author == "CryptoNewsHub Staff"
    assert m3.outlet == "CryptoNewsHub"
    assert m3.published == "2025-11-08T10:51"
    assert m3.clues["copyright"] == "CryptoNewsHub"
    s, e = m3.spans["copyright"]
    assert docs["003"].text[s:e] == "CryptoNewsHub"
    # 004 has no headline line, no byline and no date
    assert docs["004"].meta.published is None and docs["004"].meta.author is None


def test_jsonl_fields_and_bad_lines(tmp_path, config):
    path = tmp_path / "batch.jsonl"
    lines = [
        json.dumps({"id": "a1", "text": WIRE, "url": "https://www.reuters.com/world/x", "outlet": "Reuters",
                    "author": "Andrew Gray", "published": "2025-10-14"}),
        "{not json",
        json.dumps({"id": "a2"}),
        json.dumps({"id": "a3", "text": 42}),
        json.dumps(["a", "list"]),
        json.dumps({"id": "a4", "text": WIRE, "author": ["x"]}),
        "",
        json.dumps({"id": 7, "text": WIRE}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    docs, skipped = ingest([path], config)
    assert [d.id for d in docs] == ["a1", "7"]
    a1 = docs[0].meta
    assert (a1.url, a1.outlet, a1.author, a1.published) == ("https://www.reuters.com/world/x", "Reuters", "Andrew Gray", "2025-10-14")
    reasons = {s.path.rsplit(":", 1)[1]: s.reason for s in skipped}
    assert set(reasons) == {"2", "3", "4", "5", "6"}
    assert "not valid JSON" in reasons["2"]
    assert "'text'" in reasons["3"] and "'text'" in reasons["4"]
    assert "JSON object" in reasons["5"]
    assert "'author'" in reasons["6"]


def test_jsonl_from_stdin(monkeypatch, config):
    data = json.dumps({"id": "s1", "text": WIRE}) + "\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data.encode())))
    docs, skipped = ingest(["-"], config)
    assert [d.id for d in docs] == ["s1"] and not skipped


def test_html_main_text_and_metadata(tmp_path, config):
    body = " ".join(["NATO defence ministers agreed on Tuesday to send more air defence systems to Ukraine."] * 6)
    html = f"""<!doctype html><html><head><title>Allies pledge air defence | Example News</title>
<meta property="og:site_name" content="Example News">
<meta name="author" content="Jane Doe">
<meta property="article:published_time" content="2025-10-14T09:00:00Z">
<link rel="canonical" href="https://news.example.com/world/allies-air-defence">
</head><body><nav>Home | World | Share</nav><article><h1>Allies pledge air defence</h1>
<p>{body}</p><p>{body}</p></article><footer>Cookie settings</footer></body></html>"""
    path = tmp_path / "page.html"
    path.write_text(html, encoding="utf-8")
    docs, skipped = ingest([path], config)
    assert not skipped
    doc = docs[0]
    assert "air defence systems to Ukraine" in doc.text
    assert "Cookie settings" not in doc.text
    assert doc.meta.author == "Jane Doe"
    assert doc.meta.url == "https://news.example.com/world/allies-air-defence"
    assert doc.meta.published.startswith("2025-10-14")


def test_folder_with_bad_files_keeps_going(tmp_path, config):
    (tmp_path / "good.txt").write_text(WIRE, encoding="utf-8")
    (tmp_path / "latin1.txt").write_bytes(
        "Le ministre a déclaré à la presse que l'alliance était prête à défendre chaque pays membre.\n".encode("latin-1")
    )
    (tmp_path / "blob.txt").write_bytes(bytes(range(256)) * 40)
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")
    docs, skipped = ingest([tmp_path], config)
    assert [d.id for d in docs] == ["good", "latin1"]
    assert "déclaré" in docs[1].text
    reasons = {Path(s.path).name: s.reason for s in skipped}
    assert "binary" in reasons["blob.txt"]
    assert reasons["empty.txt"] == "empty file"
    assert "unsupported file type .pdf" in reasons["notes.pdf"]


def test_over_limit_file_is_skipped_unread(tmp_path):
    from reliability import load_config

    config = load_config(overrides={"limits": {"max_file_bytes": 1000}})
    big = tmp_path / "big.txt"
    big.write_text(WIRE * 50, encoding="utf-8")
    docs, skipped = ingest([big], config)
    assert not docs and "limit" in skipped[0].reason and "limits.max_file_bytes" in skipped[0].reason


def test_missing_path_and_duplicate_ids(tmp_path, config):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "story.txt").write_text(WIRE, encoding="utf-8")
    (tmp_path / "b" / "story.txt").write_text(WIRE, encoding="utf-8")
    docs, skipped = ingest([tmp_path, tmp_path / "missing.txt"], config)
    assert [d.id for d in docs] == ["story", "story~2"]
    assert skipped[0].reason == "no such file or folder"
