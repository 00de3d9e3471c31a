"""The explorer in a real headless browser (Debian's chromium, driven by Selenium through Debian's
chromedriver; nothing is downloaded): search, expand, filter, click a tie, read the highlighted
sentence, a pair's story, the address holding the view, the SPARQL table's links, and the page
`ties export html` writes, opened from a file with no network. Screenshots go to each test's
tmp_path (pytest prints where when a test fails)."""

from __future__ import annotations

import json
import shutil
import time
import urllib.parse
from pathlib import Path

import pytest

from tests.helpers import Cli
from tests.serve.test_server import Served

# A real browser is the longest part of the explorer's tests: they run with the other long ones (-m slow).
pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed: pip install -e '.[test]'")
if not (CHROMIUM and CHROMEDRIVER):
    pytest.skip(
        "chromium and chromedriver are not installed (apt-get install chromium chromium-driver): "
        "the explorer was not checked in a browser",
        allow_module_level=True,
    )

from selenium.webdriver.chrome.options import Options  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

ROTEM = "https://w3id.org/ties/entity/Firm/Hyundai_Rotem"
POLAND = "https://w3id.org/ties/entity/Country/Poland"


@pytest.fixture(scope="module")
def served(samples_store):
    s = Served(samples_store)
    yield s
    s.close()


@pytest.fixture
def browser(tmp_path):
    options = Options()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1400,900",
        "--disable-background-networking",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'profile'}",
        # Nothing may leave this machine: a request to any host but this one fails at this dead proxy.
        "--proxy-server=http://127.0.0.1:9",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


def wait(driver, condition, timeout: float = 20):
    return WebDriverWait(driver, timeout).until(lambda d: condition(d))


def js(driver, script: str, *args):
    return driver.execute_script(script, *args)


def errors(driver) -> list[str]:
    """What the page's scripts reported as errors."""
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE" and "favicon" not in e["message"]]


def shot(driver, tmp_path: Path, name: str) -> Path:
    path = tmp_path / f"{name}.png"
    driver.save_screenshot(str(path))
    assert path.stat().st_size > 10_000
    return path


def search_and_focus(driver, url: str, text: str, expected: str) -> None:
    driver.get(url + "/")
    box = driver.find_element(By.ID, "search")
    box.send_keys(text)
    wait(driver, lambda d: expected in d.find_element(By.ID, "suggestions").text)
    box.send_keys(Keys.ENTER)
    wait(driver, lambda d: js(d, "return cy.nodes('.focus').length") == 1)


def click_element(driver, element_id: str, *, edge: bool = False) -> None:
    """A real mouse click where the graph draws ELEMENT_ID (an edge: on its midpoint)."""
    x, y = js(
        driver,
        "const e = cy.getElementById(arguments[0]); const p = arguments[1] ? e.renderedMidpoint() : e.renderedPosition();"
        "return [p.x, p.y];",
        element_id,
        edge,
    )
    canvas = driver.find_element(By.ID, "graph")
    size = canvas.size
    ActionChains(driver).move_to_element_with_offset(
        canvas, x - size["width"] / 2, y - size["height"] / 2
    ).click().perform()


def visible_nodes(driver) -> dict[str, str]:
    return js(driver, "return Object.fromEntries(cy.nodes(':visible').map((n) => [n.id(), n.data('type')]))")


def test_searching_rotem_suggests_hyundai_rotem_and_draws_its_projects_and_products(served, browser, tmp_path, samples):
    browser.get(served.url + "/")
    box = browser.find_element(By.ID, "search")
    box.send_keys("Rotem")
    wait(browser, lambda d: "Hyundai Rotem" in d.find_element(By.ID, "suggestions").text)
    shot(browser, tmp_path, "1-suggestions")
    assert browser.find_element(By.CSS_SELECTOR, "#suggestions li.active").text.startswith("Hyundai Rotem")
    box.send_keys(Keys.ENTER)
    wait(browser, lambda d: js(d, "return cy.nodes('.focus').length") == 1)
    shot(browser, tmp_path, "2-neighbourhood")
    nodes = visible_nodes(browser)
    others = {r["other"]["id"]: r["other"]["type"] for r in samples.json("show", "Rotem")["relations"]}
    assert set(nodes) == set(others) | {ROTEM}
    assert {"Product", "Project"} <= set(nodes.values())
    assert "Hyundai Rotem" in browser.find_element(By.ID, "panel").text
    assert not errors(browser)


def test_clicking_a_country_adds_its_ties_and_leaves_what_was_drawn_in_place(served, browser, tmp_path):
    search_and_focus(browser, served.url, "Hyundai Rotem", "Hyundai Rotem")
    before = js(browser, "return Object.fromEntries(cy.nodes().map((n) => [n.id(), n.position()]))")
    click_element(browser, POLAND)
    wait(browser, lambda d: js(d, "return cy.getElementById(arguments[0]).hasClass('open')", POLAND))
    wait(browser, lambda d: js(d, "return cy.nodes().length") > len(before))
    shot(browser, tmp_path, "3-expanded")
    after = js(browser, "return Object.fromEntries(cy.nodes().map((n) => [n.id(), n.position()]))")
    assert all(after[n] == p for n, p in before.items())  # nothing drawn before moved
    assert js(browser, "return cy.getElementById(arguments[0]).connectedEdges().length", POLAND) > 2
    assert "#" in browser.current_url and urllib.parse.quote(POLAND, safe="") in browser.current_url


def test_filters_hide_types_kinds_of_tie_dates_and_ties_with_few_sources(served, browser, tmp_path):
    browser.get(served.url + "/#" + urllib.parse.urlencode({"focus": "South Korea"}))
    wait(browser, lambda d: js(d, "return cy.nodes('.focus').length") == 1)
    assert "Country" in visible_nodes(browser).values()
    type_chip = browser.find_element(By.XPATH, "//span[@id='type-filters']/label[normalize-space()='Country']/input")
    type_chip.click()
    assert "Country" not in visible_nodes(browser).values()
    assert (
        js(
            browser,
            "return cy.getElementById(arguments[0]).visible()",
            "https://w3id.org/ties/entity/Country/South_Korea",
        )
        is False
    )
    assert "hide=Country" in browser.current_url  # the address holds the filter
    type_chip.click()
    kind = browser.find_element(By.XPATH, "//span[@id='relation-filters']/label[normalize-space()='tied to']/input")
    kind.click()
    assert js(browser, "return cy.edges(':visible').filter((e) => e.data('relation') === 'tiedTo').length") == 0
    assert js(browser, "return cy.edges(':visible').length") > 0
    kind.click()
    minimum = browser.find_element(By.ID, "min-sources")
    minimum.clear()
    minimum.send_keys("2")
    sources = js(browser, "return cy.edges(':visible').map((e) => e.data('sources'))")
    assert sources and min(sources) >= 2
    shot(browser, tmp_path, "4-filtered")
    minimum.clear()
    minimum.send_keys("1")
    start = browser.find_element(By.ID, "date-from")
    start.send_keys("2090", Keys.TAB)
    dated = js(browser, "return cy.edges(':visible').filter((e) => e.data('dates').length > 0).length")
    undated = js(browser, "return cy.edges(':visible').filter((e) => e.data('dates').length === 0).length")
    assert dated == 0 and undated > 0  # no source dates a tie after 2090; an undated tie stays
    assert "from=2090" in browser.current_url


def test_clicking_a_tie_shows_its_sentences_and_the_document_marks_the_span_show_gives(
    served, browser, tmp_path, samples
):
    detail = samples.json("show", "Rotem")
    relation = next(r for r in detail["relations"] if r["other"]["label"] == "Altay")
    evidence = relation["evidence"][0]
    search_and_focus(browser, served.url, "Hyundai Rotem", "Hyundai Rotem")
    edge = js(
        browser,
        "return cy.edges().filter((e) => e.connectedNodes().map((n) => n.data('label')).includes('Altay'))[0].id()",
    )
    click_element(browser, edge, edge=True)
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#panel .sentence"))
    shot(browser, tmp_path, "5-evidence")
    sentences = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#panel .sentence")]
    assert any(s.startswith(" ".join(evidence["sentence"].split())) and evidence["source"] in s for s in sentences)
    assert any(evidence["method"] in s for s in sentences)
    browser.find_elements(By.CSS_SELECTOR, "#panel .sentence")[0].click()
    hit = wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#doc-text mark.hit"))
    shot(browser, tmp_path, "6-document")
    assert hit
    marked = js(
        browser, "return [...document.querySelectorAll('#doc-text mark.hit')].map((m) => m.textContent).join('')"
    )
    assert marked == evidence["sentence"]  # exactly the span `ties show --format json` gives
    text = browser.find_element(By.ID, "doc-text").get_attribute("textContent")
    at = js(browser, "return new URLSearchParams(location.hash.slice(1)).get('at')")
    assert at == f"{evidence['start']}-{evidence['end']}"
    assert text[evidence["start"] : evidence["end"]] == evidence["sentence"]
    entities = {e.get_attribute("title") for e in browser.find_elements(By.CSS_SELECTOR, "#doc-text .ent")}
    assert "Hyundai Rotem (Firm)" in entities and "Altay (Project)" in entities and len(entities) > 5


def test_a_pair_story_draws_the_timeline_and_flags_figures_that_disagree(browser, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "first.txt").write_text(
        "OSLO, 12 March 2024 - Bilateral trade between Chile and Norway reached 2.1 billion US dollars in 2023, "
        "the Norwegian trade ministry said.\n\nIn May 2019 Chile and Norway signed a memorandum of understanding "
        "on aquaculture research.\n",
        encoding="utf-8",
    )
    (docs / "second.txt").write_text(
        "SANTIAGO, 3 April 2024 - Trade between Chile and Norway totalled 3.4 billion US dollars in 2023, "
        "according to Chilean customs data.\n",
        encoding="utf-8",
    )
    cli = Cli(tmp_path / "store")
    assert cli("ingest", docs, "--no-ner").exit_code == 0
    timeline = cli.json("timeline", "Chile", "Norway")
    s = Served(tmp_path / "store")
    try:
        browser.get(s.url + "/#" + urllib.parse.urlencode({"focus": "Chile", "pair": "Chile Norway"}))
        wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "table.figures tbody tr"))
        shot(browser, tmp_path, "7-pair")
        assert len(browser.find_elements(By.CSS_SELECTOR, "svg.timeline circle")) == len(timeline) >= 1
        rows = browser.find_elements(By.CSS_SELECTOR, "table.figures tbody tr")
        assert len(rows) == 2 and all("≠" in r.text for r in rows)
        rows[0].click()
        hit = wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#doc-text mark.hit"))
        assert "billion US dollars" in "".join(m.text for m in hit)
        browser.find_element(By.CSS_SELECTOR, "#panel h2")  # the document replaced the story
    finally:
        s.close()


def test_the_address_brings_back_the_same_view(served, browser):
    search_and_focus(browser, served.url, "Hyundai Rotem", "Hyundai Rotem")
    click_element(browser, POLAND)
    wait(browser, lambda d: js(d, "return cy.getElementById(arguments[0]).hasClass('open')", POLAND))
    minimum = browser.find_element(By.ID, "min-sources")
    minimum.clear()
    minimum.send_keys("2")
    address = browser.current_url
    shown = sorted(visible_nodes(browser))
    browser.get("about:blank")
    browser.get(address)
    wait(browser, lambda d: js(d, "return cy.getElementById(arguments[0]).hasClass('open')", POLAND))
    wait(browser, lambda d: sorted(visible_nodes(d)) == shown)
    assert browser.find_element(By.ID, "min-sources").get_attribute("value") == "2"


def test_iris_in_the_sparql_table_open_the_entity_in_the_explorer(served, browser, tmp_path):
    query = f"SELECT DISTINCT ?e ?label WHERE {{ GRAPH ?g {{ ?e rdfs:label ?label }} VALUES ?e {{ <{ROTEM}> }} }}"
    browser.get(served.url + "/sparql.html?" + urllib.parse.urlencode({"query": query}))
    link = wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#table a"))[0]
    assert link.text == "ent:Firm/Hyundai_Rotem"
    link.click()
    wait(browser, lambda d: js(d, "return cy.nodes('.focus').map((n) => n.id())") == [ROTEM])
    shot(browser, tmp_path, "8-from-sparql")


def test_the_exported_page_opens_from_a_file_with_no_network(samples, browser, tmp_path, samples_store):
    out = tmp_path / "rotem.html"
    result = samples("export", "html", out, "--around", "Rotem", "--depth", "2")
    assert result.exit_code == 0, result.output
    started = time.perf_counter()
    browser.get(out.as_uri())
    wait(browser, lambda d: js(d, "return typeof cy !== 'undefined' && cy.nodes().length") > 10)
    loaded = time.perf_counter() - started
    shot(browser, tmp_path, "9-exported")
    resources = js(browser, "return performance.getEntriesByType('resource').map((r) => r.name)")
    assert all(r.startswith(("file:", "data:")) for r in resources), resources
    assert js(browser, "return cy.nodes('.focus').map((n) => n.id())") == [ROTEM]
    assert loaded < 10
    # The layout is the browser's own here (a force layout): the tie is opened from the panel's list.
    browser.find_element(By.PARTIAL_LINK_TEXT, "Altay").click()
    sentences = wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#panel .sentence"))
    assert any("Hyundai Rotem" in s.text and "altay_hyundai_rotem.txt" in s.text for s in sentences)
    box = browser.find_element(By.ID, "search")
    box.send_keys("polan")
    wait(browser, lambda d: "Poland" in d.find_element(By.ID, "suggestions").text)
    assert not errors(browser)


def test_a_label_holding_a_script_tag_stays_text_in_the_exported_page(browser, tmp_path):
    from graph.store import StoreNotice, open_store

    hostile = "</script><script>window.pwned = 1</script><img src=x onerror='window.pwned=2'>"
    doc = "https://w3id.org/ties/document/a.txt"
    with pytest.warns(StoreNotice), open_store(tmp_path / "store", write=True) as store:
        store.update(
            f"INSERT DATA {{ GRAPH <{doc}> {{ "
            f"<https://w3id.org/ties/entity/Firm/A> a ties:Firm ; rdfs:label {json.dumps(hostile)} ; "
            "ties:matchKey 'a' ; ties:basedIn <https://w3id.org/ties/entity/Country/B> . "
            "<https://w3id.org/ties/entity/Country/B> a ties:Country ; rdfs:label 'Bland' ; ties:matchKey 'bland' . } "
            f"GRAPH <https://w3id.org/ties/graph/metadata> {{ <{doc}> ties:fileName 'a.txt' }} }}"
        )
    out = tmp_path / "page.html"
    assert Cli(tmp_path / "store")("export", "html", out).exit_code == 0
    assert "</script><script>window.pwned" not in out.read_text(encoding="utf-8")
    browser.get(out.as_uri())
    wait(browser, lambda d: js(d, "return typeof cy !== 'undefined' && cy.nodes().length") == 2)
    time.sleep(0.3)
    assert js(browser, "return window.pwned === undefined")
    assert hostile in js(browser, "return cy.nodes().map((n) => n.data('label'))")
