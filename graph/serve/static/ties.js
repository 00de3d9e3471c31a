'use strict';
const form = document.getElementById('form');
const box = document.getElementById('query');
const statusLine = document.getElementById('status');
const results = document.getElementById('results');

function say(text, isError) {
  statusLine.textContent = text;
  statusLine.className = isError ? 'error' : '';
}

// Longest namespace first, so that ent:Firm/KAI wins over a shorter match.
const PREFIXES = Object.entries(__PREFIXES__).sort((a, b) => b[1].length - a[1].length);

function short(iri) {
  for (const [prefix, ns] of PREFIXES) {
    if (iri.startsWith(ns) && iri.length > ns.length) return prefix + ':' + iri.slice(ns.length);
  }
  return iri;
}

// Entities and documents open in the explorer, which keeps its view in the address's hash.
function explorerView(iri) {
  const ns = Object.fromEntries(PREFIXES);
  if (iri.startsWith(ns.ent)) return new URLSearchParams({focus: iri}).toString();
  if (iri.startsWith(ns.doc) && !iri.includes('#')) return new URLSearchParams({doc: iri}).toString();
  return '';
}

function cell(term) {
  const td = document.createElement('td');
  if (!term) return td;
  if (term.type === 'uri') {
    const view = explorerView(term.value);
    const target = view ? document.createElement('a') : td;
    target.textContent = short(term.value);
    td.title = term.value;
    if (view) {
      target.href = './#' + view;
      td.appendChild(target);
    }
    return td;
  }
  td.textContent = term.type === 'bnode' ? '_:' + term.value : term.value;
  const note = term['xml:lang'] ? '@' + term['xml:lang']
    : term.datatype ? term.datatype.replace(/^.*[#\/]/, '') : '';
  if (note) {
    const span = document.createElement('span');
    span.className = 'kind';
    span.textContent = note;
    td.appendChild(span);
  }
  return td;
}

function table(data) {
  const vars = data.head.vars;
  const rows = data.results.bindings;
  const t = document.createElement('table');
  t.id = 'table';
  const head = t.createTHead().insertRow();
  for (const v of vars) {
    const th = document.createElement('th');
    th.textContent = v;
    head.appendChild(th);
  }
  const body = t.createTBody();
  for (const row of rows) {
    const tr = body.insertRow();
    for (const v of vars) tr.appendChild(cell(row[v]));
  }
  return t;
}

async function run() {
  const query = box.value;
  results.replaceChildren();
  say('Running…');
  const started = performance.now();
  let response, text;
  try {
    response = await fetch('sparql', {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        'Accept': 'application/sparql-results+json, text/turtle;q=0.9',
      },
      body: new URLSearchParams({query}),
    });
    text = await response.text();
  } catch (err) {
    say('Cannot reach the server: ' + err, true);
    return;
  }
  const ms = Math.round(performance.now() - started);
  if (!response.ok) {
    say(text.trim() || response.statusText, true);
    return;
  }
  const url = new URL(location.href);
  url.searchParams.set('query', query);
  history.replaceState(null, '', url);
  if ((response.headers.get('Content-Type') || '').includes('json')) {
    const data = JSON.parse(text);
    if ('boolean' in data) {
      const p = document.createElement('p');
      p.id = 'boolean';
      p.textContent = String(data.boolean);
      results.appendChild(p);
      say('ASK answered in ' + ms + ' ms');
      return;
    }
    results.appendChild(table(data));
    const n = data.results.bindings.length;
    say(n + (n === 1 ? ' row' : ' rows') + ' in ' + ms + ' ms');
  } else {
    const pre = document.createElement('pre');
    pre.id = 'graph';
    pre.textContent = text;
    results.appendChild(pre);
    say('Graph in ' + ms + ' ms');
  }
}

form.addEventListener('submit', (event) => { event.preventDefault(); run(); });
box.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) { event.preventDefault(); run(); }
});
const given = new URLSearchParams(location.search).get('query');
if (given) { box.value = given; run(); }
