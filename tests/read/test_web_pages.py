"""Web pages: the article without the page around it, with the metadata the page states;
plain HTML documents keep every block; saved pages (.mhtml) read as HTML."""

from __future__ import annotations

import json

from graph.read.files import read_document
from tests.helpers import SAMPLES, Cli

BODY = [
    "Hyundai Rotem signed a contract with Otokar in Ankara on Tuesday to supply power packs for the Altay tank.",
    "The agreement follows two years of talks between the firms, which first worked together on the K2 tank.",
    "Officials at the Turkish defence ministry said the first engines would arrive in Sakarya next spring, and "
    "that local production of the transmission would begin once the prototypes had passed their trials.",
]
LD = {
    "@context": "https://schema.org",
    "@type": "NewsArticle",
    "headline": "Hyundai Rotem and Otokar agree on Altay power packs",
    "datePublished": "2025-03-11T09:30:00+03:00",
    "author": {"@type": "Person", "name": "Deniz Kaya"},
    "publisher": {"@type": "Organization", "name": "Anatolian Defence Review"},
}
CHROME = [
    "We use cookies to improve your experience. Accept all cookies",
    "Subscribe to our newsletter for daily defence news",
    "Aselsan unveils a new radar for KAAN fighter",
    "Copyright 2025 Anatolian Defence Review. All rights reserved.",
]


def news_page() -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in BODY)
    return f"""<!DOCTYPE html><html lang="en"><head>
<title>Hyundai Rotem and Otokar agree on Altay power packs | Anatolian Defence Review</title>
<link rel="canonical" href="https://defence.example.org/news/altay-power-packs">
<script type="application/ld+json">{json.dumps(LD)}</script>
</head><body>
<div class="cookie-banner" id="cookie-consent"><p>{CHROME[0]}</p></div>
<div class="menu"><a href="/">Home</a> <a href="/land">Land</a> <a href="/air">Air</a></div>
<div class="newsletter-signup"><p>{CHROME[1]}</p></div>
<article><h1>Hyundai Rotem and Otokar agree on Altay power packs</h1>
<h2>A deal after two years</h2>{paragraphs}</article>
<div class="related-posts"><h3>Related articles</h3><ul><li><a href="/a">{CHROME[2]}</a></li></ul></div>
<div class="site-footer"><p>{CHROME[3]}</p></div>
</body></html>"""


def test_a_news_page_gives_its_article_and_metadata(tmp_path):
    path = tmp_path / "article.html"
    path.write_text(news_page(), encoding="utf-8")
    doc = read_document(path)
    assert all(p in doc.text for p in BODY)
    assert "A deal after two years" in doc.text  # headings stay: they may name what the article is about
    assert not any(c in doc.text for c in CHROME), doc.text
    m = doc.meta
    assert (m.author, m.publisher, m.date_origin) == ("Deniz Kaya", "Anatolian Defence Review", "metadata")
    assert m.date is not None and m.date.startswith("2025-03-11")
    assert m.source_url == "https://defence.example.org/news/altay-power-packs"
    assert m.title is not None and "Altay power packs" in m.title


def test_a_plain_html_document_keeps_every_block(tmp_path):
    html = (
        "<html><head><title>Suppliers</title></head><body><h1>Suppliers of the Altay</h1>"
        "<table><tr><th>Buyer</th><th>Supplier</th></tr><tr><td>Otokar</td><td>Hyundai Rotem</td></tr></table>"
        "<h2>Notes</h2><ul><li>KEPCO studied Sinop</li><li>Roketsan</li></ul></body></html>"
    )
    path = tmp_path / "table.html"
    path.write_text(html, encoding="utf-8")
    text = read_document(path).text
    for cell in ("Suppliers of the Altay", "Buyer", "Otokar", "Hyundai Rotem", "KEPCO studied Sinop", "Roketsan"):
        assert cell in text, cell


def test_the_sample_pages_keep_their_headings_and_body():
    for path in sorted(SAMPLES.glob("*.html")):
        doc = read_document(path)
        assert doc.meta.date_origin == "metadata" and doc.meta.author, path
        assert len(doc.text) > 2000 and "cookies" not in doc.text.lower(), path


def _mhtml(html: str, location: str) -> bytes:
    import quopri

    body = quopri.encodestring(html.encode("utf-8")).decode("ascii")
    return (
        "From: <Saved by Blink>\r\n"
        f"Snapshot-Content-Location: {location}\r\n"
        "Subject: Altay power packs\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/related; type="text/html"; boundary="----MultipartBoundary--x"\r\n\r\n'
        "------MultipartBoundary--x\r\n"
        "Content-Type: text/html\r\n"
        "Content-ID: <frame-1@mhtml.blink>\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\n"
        f"Content-Location: {location}\r\n\r\n"
        f"{body}\r\n"
        "------MultipartBoundary--x\r\n"
        "Content-Type: text/css\r\n"
        "Content-Location: https://defence.example.org/site.css\r\n\r\n"
        "body { color: black }\r\n"
        "------MultipartBoundary--x--\r\n"
    ).encode()


def test_a_saved_page_reads_as_its_html(cli: Cli, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "saved.mhtml").write_bytes(_mhtml(news_page(), "https://defence.example.org/news/altay-power-packs"))
    result = cli("ingest", docs)
    assert result.exit_code == 0, result.output
    [listed] = cli.json("documents")
    assert listed["source_url"] == "https://defence.example.org/news/altay-power-packs"
    assert {"Hyundai Rotem", "Otokar"} <= {e["label"] for e in cli.json("entities")}
    text = cli.json("sparql", "SELECT ?t WHERE { GRAPH ?g { ?d ties:text ?t } }")[0]["t"]
    assert BODY[0] in text and "color: black" not in text and CHROME[0] not in text


def test_a_saved_page_without_html_is_refused_in_one_line(cli: Cli, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "empty.mhtml").write_bytes(b"MIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nnothing here\r\n")
    result = cli("ingest", docs)
    assert result.exit_code != 0
    assert "no HTML part" in result.output or "no HTML part" in result.stderr
