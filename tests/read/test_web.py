"""`ties ingest https://...`: pages from a server the tests start on 127.0.0.1. A page that reads is
stored with its URL as path and source; a 404, a redirect loop, a body over the size limit and a
media type ties does not read each fail with one line while the other inputs are stored; a charset
the header misstates is read as the bytes show, with a warning."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from graph.errors import DocumentError
from graph.read.web import fetch, page_name

PAGE = (
    "<html><head><title>Rail deal</title></head><body><article>"
    "<p>Hyundai Rotem signed a contract with the Polish Armament Agency in Warsaw to deliver tanks.</p>"
    "</article></body></html>"
)
# A page in UTF-8 whose server claims Latin-1.
MISLABELLED = "<html><body><p>KEPCO met officials of Türkiye in Ankara to discuss a plant at Sinop.</p></body></html>"
SENT: dict[str, int] = {}  # path -> bytes the server wrote


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:  # the test output stays quiet
        pass

    def do_GET(self) -> None:
        route = {
            "/news/rail-deal": lambda: self._send(200, "text/html; charset=utf-8", PAGE.encode()),
            "/news/plant": lambda: self._send(200, "text/html; charset=iso-8859-1", MISLABELLED.encode("utf-8")),
            "/missing": lambda: self._send(404, "text/html", b"<p>not here</p>"),
            "/loop-a": lambda: self._redirect("/loop-b"),
            "/loop-b": lambda: self._redirect("/loop-a"),
            "/moved": lambda: self._redirect("/news/rail-deal"),
            "/image.png": lambda: self._send(200, "image/png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),
            "/huge": self._endless,
        }.get(self.path)
        if route is None:
            self._send(404, "text/plain", b"no such page")
        else:
            route()

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, to: str) -> None:
        self.send_response(302)
        self.send_header("Location", to)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _endless(self) -> None:
        """A body with no length that would go on for a gigabyte: the client must stop it."""
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        block = b"Trade grew again. " * 4096
        sent = 0
        try:
            while sent < 1 << 30:
                self.wfile.write(block)
                sent += len(block)
        except OSError:  # the client hung up: what this test wants
            pass
        finally:
            SENT[self.path] = sent


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_a_page_is_stored_with_its_url_as_path_and_source(cli, server):
    url = f"{server}/news/rail-deal"
    result = cli("ingest", url, "--no-ner")
    assert result.exit_code == 0, result.output
    (doc,) = cli.json("documents")
    assert doc["name"] == "rail-deal" and doc["paths"] == [url] and doc["source_url"] == url
    assert doc["title"] == "Rail deal"
    assert [s["name"] for s in cli.json("show", "Hyundai Rotem")["sources"]] == ["rail-deal"]
    again = cli("ingest", url, "--no-ner")
    assert again.exit_code == 0 and "unchanged" in again.stdout


def test_a_redirect_keeps_the_url_asked_for_as_path_and_the_final_one_as_source(cli, server):
    assert cli("ingest", f"{server}/moved", "--no-ner").exit_code == 0
    (doc,) = cli.json("documents")
    assert doc["paths"] == [f"{server}/moved"] and doc["source_url"] == f"{server}/news/rail-deal"


@pytest.mark.parametrize(
    ("path", "says"),
    [
        ("/missing", "404"),
        ("/loop-a", "redirected more than 5 times"),
        ("/image.png", "image/png"),
        ("/huge", "stopped reading at the 1 MB limit"),
    ],
)
def test_a_bad_page_fails_with_one_line_and_the_other_inputs_are_stored(cli, server, tmp_path, path, says):
    good = tmp_path / "note.txt"
    good.write_text("Samsung opened a factory in Bac Ninh, Vietnam.\n", encoding="utf-8")
    result = cli("ingest", f"{server}{path}", good, "--no-ner", "--max-size", "1")
    assert result.exit_code == 1
    failures = [line for line in result.stderr.splitlines() if line.startswith("failed")]
    assert len(failures) == 1 and says in failures[0] and f"{server}{path}" in failures[0]
    assert [d["name"] for d in cli.json("documents")] == ["note.txt"]


def test_a_body_over_the_limit_is_not_read_whole(server):
    with pytest.raises(DocumentError, match="limit"):
        fetch(f"{server}/huge", max_bytes=100_000)
    # The server got to write little more than the limit before the client hung up (socket buffers
    # hold some megabytes at most), nowhere near its gigabyte.
    for _ in range(50):
        if "/huge" in SENT:
            break
        threading.Event().wait(0.1)
    assert SENT.get("/huge", 0) < 64 * 1024 * 1024


def test_a_charset_the_header_misstates_is_read_as_the_bytes_show(cli, server):
    url = f"{server}/news/plant"
    result = cli("ingest", url, "--no-ner")
    assert result.exit_code == 0, result.output
    assert any("iso-8859-1" in line.lower() and url in line for line in result.stderr.splitlines())
    assert cli("show", "Türkiye").exit_code == 0
    text = cli.json("sparql", "SELECT ?t WHERE { GRAPH ?g { ?d ties:text ?t } }")
    assert "Türkiye" in str(text) and "TÃ¼rkiye" not in str(text)


def test_a_server_that_does_not_answer_is_one_line(cli):
    # Port 9 on this machine: nothing listens (discard), so the connection is refused at once.
    result = cli("ingest", "http://127.0.0.1:9/page", "--no-ner")
    assert result.exit_code == 1 and "could not fetch it" in result.stderr


def test_a_page_is_named_by_the_last_part_of_its_path_or_its_host():
    assert page_name("https://example.org/news/2025/rail%20deal.html?id=3") == "rail deal.html"
    assert page_name("https://example.org/") == "example.org"
