'use strict';
// The explorer: an entity's neighbourhood as a graph, the sentences behind each tie, the document
// with the span marked, a pair's timeline and figures. Served by `ties serve` it reads /api/; in a
// page written by `ties export html` it reads the network embedded in the page (#ties-data).
// Text from the store is only ever set with textContent: nothing from a document becomes markup.

const COLOURS = __COLOURS__;
const GREY = '#b0b7c0';
const embeddedNode = document.getElementById('ties-data');
const EMBEDDED = embeddedNode ? JSON.parse(embeddedNode.textContent) : null;

const $ = (id) => document.getElementById(id);
const statusLine = $('status');
const panel = $('panel-body');

function say(text, isError) {
  statusLine.textContent = text;
  statusLine.className = isError ? 'error' : '';
}

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') node.className = v;
    else if (k === 'style') node.setAttribute('style', v);
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) node.append(c);
  return node;
}

const colour = (type) => COLOURS[type] || GREY;
const typeBadge = (type) => el('span', {class: 'type', style: 'background:' + colour(type)}, type);

// --- where the data come from ----------------------------------------------------------------------

async function getJson(path, params) {
  const url = 'api/' + path + '?' + new URLSearchParams(params);
  let response;
  try {
    response = await fetch(url, {headers: {Accept: 'application/json'}});
  } catch (err) {
    throw new Error('cannot reach the server: ' + err.message);
  }
  const body = await response.json().catch(() => ({error: response.statusText}));
  if (!response.ok) {
    const error = new Error(body.error || response.statusText);
    error.details = body;
    throw error;
  }
  return body;
}

function fold(text) {
  return (text || '').normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

// The same questions, answered from the network embedded in an exported page.
const embedded = EMBEDDED && {
  nodes: new Map(EMBEDDED.nodes.map((n) => [n.id, n])),
  search(q) {
    const key = fold(q);
    const hits = [];
    for (const n of this.nodes.values()) {
      const names = [n.label, ...(n.aliases || [])].map(fold);
      const rank = names.some((k) => k === key) ? 0 : names.some((k) => k.startsWith(key)) ? 1
        : names.some((k) => (' ' + k).includes(' ' + key)) ? 2 : names.some((k) => k.includes(key)) ? 3 : -1;
      if (rank >= 0) hits.push([rank, n.label.length, n]);
    }
    hits.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    return hits.slice(0, 12).map(([, , n]) => ({id: n.id, label: n.label, type: n.type}));
  },
  entity(id) {
    const entity = this.nodes.get(id);
    if (!entity) throw new Error('no entity ' + id + ' in this page');
    const edges = EMBEDDED.edges.filter((e) => e.source === id || e.target === id);
    const ids = new Set([id, ...edges.flatMap((e) => [e.source, e.target])]);
    return {entity, nodes: [...ids].map((i) => this.nodes.get(i)), edges};
  },
  tie(a, b) {
    const edges = EMBEDDED.edges.filter((e) => (e.source === a && e.target === b) || (e.source === b && e.target === a));
    const label = (i) => this.nodes.get(i).label;
    return {a, b, ties: edges.map((e) => ({
      subject: label(e.source), subject_id: e.source, relation: e.label, object: label(e.target),
      object_id: e.target, evidence: e.evidence,
    }))};
  },
};

const source = {
  live: !EMBEDDED,
  search: (q) => (EMBEDDED ? Promise.resolve(embedded.search(q)) : getJson('search', {q})),
  entity: (id) => (EMBEDDED ? Promise.resolve(embedded.entity(id)) : getJson('entity', {name: id})),
  tie: (a, b) => (EMBEDDED ? Promise.resolve(embedded.tie(a, b)) : getJson('tie', {a, b})),
  document: (name) => getJson('document', {name}),
  pair: (a, b) => getJson('pair', {a, b}),
};

// --- the view, kept in the address's hash ---------------------------------------------------------

// Filters name what is hidden, so that a type or kind of tie that a later expansion brings is shown.
const view = {focus: null, open: [], hideTypes: new Set(), hideRels: new Set(), min: 1, from: '', to: '', panel: null};

function writeHash() {
  const p = new URLSearchParams();
  if (view.focus) p.set('focus', view.focus);
  const more = view.open.filter((i) => i !== view.focus);
  if (more.length) p.set('open', more.join(' '));
  if (view.hideTypes.size) p.set('hide', [...view.hideTypes].join(' '));
  if (view.hideRels.size) p.set('hideties', [...view.hideRels].join(' '));
  if (view.min > 1) p.set('min', String(view.min));
  if (view.from) p.set('from', view.from);
  if (view.to) p.set('to', view.to);
  if (view.panel) for (const [k, v] of Object.entries(view.panel)) p.set(k, v);
  history.replaceState(null, '', '#' + p.toString());
}

function readHash() {
  const p = new URLSearchParams(location.hash.slice(1));
  const words = (k) => (p.get(k) ? new Set(p.get(k).split(' ').filter(Boolean)) : null);
  const panelKeys = ['tie', 'doc', 'at', 'pair', 'sel'];
  return {
    focus: p.get('focus'),
    open: (p.get('open') || '').split(' ').filter(Boolean),
    hideTypes: words('hide') || new Set(),
    hideRels: words('hideties') || new Set(),
    min: Math.max(1, parseInt(p.get('min') || '1', 10) || 1),
    from: p.get('from') || '',
    to: p.get('to') || '',
    panel: Object.fromEntries(panelKeys.filter((k) => p.has(k)).map((k) => [k, p.get(k)])),
  };
}

// --- the graph ---------------------------------------------------------------------------------------

const cy = cytoscape({
  container: $('graph'),
  minZoom: 0.08,
  maxZoom: 3,
  style: [
    {selector: 'node', style: {
      'background-color': 'data(colour)', label: 'data(label)', width: 'data(size)', height: 'data(size)',
      'font-size': 11, color: '#1d232b', 'text-valign': 'bottom', 'text-margin-y': 3,
      'text-outline-color': '#fff', 'text-outline-width': 2, 'text-max-width': 140, 'text-wrap': 'ellipsis',
      'border-width': 1, 'border-color': '#fff',
    }},
    {selector: 'node.open', style: {'border-width': 3, 'border-color': '#1d2733'}},
    {selector: 'node.focus', style: {'font-weight': 'bold', 'font-size': 13}},
    {selector: 'node:selected', style: {'overlay-color': '#1f5fa8', 'overlay-opacity': 0.18, 'overlay-padding': 6}},
    {selector: 'edge', style: {
      width: 'data(width)', 'line-color': '#a9b4c0', 'target-arrow-color': '#a9b4c0', 'target-arrow-shape': 'triangle',
      'arrow-scale': 0.8, 'curve-style': 'bezier', 'control-point-step-size': 36, label: 'data(label)', 'font-size': 9, color: '#4a5561',
      'text-rotation': 'autorotate', 'text-background-color': '#fff', 'text-background-opacity': 0.85,
      'text-background-padding': 1, 'min-zoomed-font-size': 7,
    }},
    {selector: 'edge:selected', style: {'line-color': '#1f5fa8', 'target-arrow-color': '#1f5fa8', color: '#1f5fa8'}},
    {selector: '.hidden', style: {display: 'none'}},
  ],
});

const relationLabels = new Map();

// Fit the drawing to ELES, but never so close that three nodes fill the screen.
function fitTo(eles) {
  cy.fit(eles, 40);
  if (cy.zoom() > 1.3) {
    cy.zoom(1.3);
    cy.center(eles);
  }
}

const count = (n, one, many) => n + ' ' + (n === 1 ? one : many);

function nodeData(n) {
  return {
    id: n.id, label: n.label, type: n.type, colour: colour(n.type),
    size: Math.round(18 + 9 * Math.log2(1 + (n.sources || 1))),
    aliases: n.aliases || [], documents: n.documents || [], dates: n.dates || [], wikidata: n.wikidata || '',
  };
}

function edgeData(e) {
  relationLabels.set(e.relation, e.label);
  return {
    id: e.id, source: e.source, target: e.target, label: e.label, relation: e.relation, sources: e.sources,
    width: Math.min(1.2 + 1.6 * (e.sources - 1) + 0.4, 9), documents: e.documents, dates: e.dates || [],
  };
}

// New nodes go on rings around the node they came from: the best-attested nearest, each ring
// holding as many as its length has room for. Around a node already in a drawing they fill a fan
// facing away from the rest, so that what was drawn stays where the analyst left it.
function placeAround(centre, fresh) {
  const c = centre.position();
  const others = cy.nodes().not(fresh).not(centre);
  let away = -Math.PI / 2;
  let spread = 2 * Math.PI;
  if (others.length) {
    const mx = others.reduce((s, n) => s + n.position('x'), 0) / others.length;
    const my = others.reduce((s, n) => s + n.position('y'), 0) / others.length;
    if (Math.hypot(c.x - mx, c.y - my) > 1) away = Math.atan2(c.y - my, c.x - mx);
    spread = Math.PI * 1.1;
  }
  const weight = (n) => n.edgesWith(centre).reduce((s, e) => s + e.data('sources'), 0);
  const ordered = fresh.sort((x, y) => weight(y) - weight(x) || x.data('label').localeCompare(y.data('label')));
  const full = spread === 2 * Math.PI;
  let i = 0;
  for (let ring = 0; i < ordered.length; ring++) {
    const r = 170 + ring * 110;
    const room = Math.max(3, Math.floor((spread * r) / 75));
    const here = ordered.slice(i, i + room);
    here.forEach((node, k) => {
      const t = full ? k / here.length : here.length === 1 ? 0.5 : k / (here.length - 1);
      const angle = away - (full ? 0 : spread / 2) + spread * t + (ring % 2) * (spread / room / 2);
      node.position({x: c.x + r * Math.cos(angle), y: c.y + r * Math.sin(angle)});
    });
    i += here.length;
  }
}

function addNeighbourhood(data, anchor) {
  cy.startBatch();
  const before = new Set(cy.nodes().map((n) => n.id()));
  for (const n of data.nodes) if (!cy.getElementById(n.id).length) cy.add({group: 'nodes', data: nodeData(n)});
  for (const e of data.edges) if (!cy.getElementById(e.id).length) cy.add({group: 'edges', data: edgeData(e)});
  cy.endBatch();
  const centre = cy.getElementById(data.entity.id);
  const fresh = cy.nodes().filter((n) => !before.has(n.id()) && n.id() !== data.entity.id);
  if (!before.size) centre.position({x: 0, y: 0});
  else if (!before.has(data.entity.id)) centre.position((anchor || cy.nodes()[0]).position());
  placeAround(centre, fresh);
  centre.addClass('open');
  return fresh;
}

async function expand(id, {fit = false, quiet = false} = {}) {
  if (!quiet) say('Loading…');
  const started = performance.now();
  let data;
  try {
    data = await source.entity(id);
  } catch (err) {
    say(err.message, true);
    return null;
  }
  const fresh = addNeighbourhood(data, cy.getElementById(id));
  if (!view.open.includes(data.entity.id)) view.open.push(data.entity.id);
  refreshFilters();
  applyFilters();
  if (fit || cy.nodes().length <= fresh.length + 1) fitTo(cy.elements().not('.hidden'));
  else cy.animate({fit: {eles: cy.getElementById(data.entity.id).closedNeighborhood().not('.hidden'), padding: 60},
    duration: 250});
  $('empty').hidden = cy.nodes().length > 0;
  const ms = Math.round(performance.now() - started);
  const cut = data.truncated ? ' (the most-attested ' + data.edges.length + ' of ' + data.truncated.edges + ')' : '';
  if (!quiet) say(data.entity.label + ': ' + data.edges.length + ' ties' + cut + ', ' + fresh.length + ' new in ' + ms + ' ms');
  performance.mark('ties-drawn');  // for measuring: the neighbourhood is on screen
  return data;
}

async function focusOn(id) {
  cy.elements().remove();
  view.open = [];
  view.focus = id;
  view.panel = null;
  const data = await expand(id, {fit: true});
  if (data) {
    view.focus = data.entity.id;
    cy.getElementById(data.entity.id).addClass('focus');
    showEntity(data.entity.id);
  }
  writeHash();
}

// --- filters -------------------------------------------------------------------------------------------

function chip(label, colourValue, on, toggle) {
  const box = el('input', {type: 'checkbox'});
  box.checked = on;
  const c = el('label', {class: 'chip' + (on ? '' : ' off')}, box,
    colourValue ? el('span', {class: 'dot', style: 'background:' + colourValue}) : null, label);
  box.addEventListener('change', () => { c.classList.toggle('off', !box.checked); toggle(box.checked); });
  return c;
}

function refreshFilters() {
  const types = [...new Set(cy.nodes().map((n) => n.data('type')))].sort();
  $('type-filters').replaceChildren(...types.map((t) => chip(t, colour(t), !view.hideTypes.has(t), (on) => {
    on ? view.hideTypes.delete(t) : view.hideTypes.add(t);
    applyFilters();
  })));
  const rels = [...new Set(cy.edges().map((e) => e.data('relation')))].sort();
  $('relation-filters').replaceChildren(...rels.map((r) => chip(relationLabels.get(r) || r, null,
    !view.hideRels.has(r), (on) => {
      on ? view.hideRels.delete(r) : view.hideRels.add(r);
      applyFilters();
    })));
  $('filters').hidden = !types.length;
  cy.resize();  // the filters' bar may have come or grown a line, and the drawing's box shrunk with it
  $('legend').hidden = !types.length;
  $('legend').replaceChildren(...types.map((t) => el('span', {}, el('span', {class: 'dot', style: 'background:'
    + colour(t)}), t)));
}

// A partial ISO date ("2024", "2024-03") as the first and last days it may mean, for comparing.
const lowDay = (d) => (d + '-01-01').slice(0, 10);
const highDay = (d) => (d.length === 4 ? d + '-12-31' : d.length === 7 ? d + '-31' : d);

function edgeShown(e) {
  if (view.hideRels.has(e.data('relation'))) return false;
  if (e.data('sources') < view.min) return false;
  const dates = e.data('dates');
  if ((view.from || view.to) && dates.length) {  // an undated tie is kept: no source says it is out of range
    const from = view.from ? lowDay(view.from) : '0000';
    const to = view.to ? highDay(view.to) : '9999';
    if (!dates.some((d) => highDay(d) >= from && lowDay(d) <= to)) return false;
  }
  return true;
}

function applyFilters() {
  cy.batch(() => {
    cy.nodes().forEach((n) => n.toggleClass('hidden', view.hideTypes.has(n.data('type'))));
    cy.edges().forEach((e) => e.toggleClass('hidden', !edgeShown(e) || e.connectedNodes('.hidden').length > 0));
    // A node left with no visible tie goes too, unless the analyst opened it.
    cy.nodes().not('.open').forEach((n) => {
      if (!n.hasClass('hidden') && n.connectedEdges().not('.hidden').length === 0) n.addClass('hidden');
    });
  });
  const shown = cy.nodes().not('.hidden').length;
  if (view.panel && view.panel.sel) showEntity(view.panel.sel);  // its list of ties follows the filters
  if (cy.nodes().length) say(shown + ' of ' + cy.nodes().length + ' entities, ' + cy.edges().not('.hidden').length + ' ties shown');
  writeHash();
}

$('min-sources').addEventListener('input', (ev) => { view.min = Math.max(1, parseInt(ev.target.value, 10) || 1); applyFilters(); });
for (const [id, key] of [['date-from', 'from'], ['date-to', 'to']]) {
  $(id).addEventListener('change', (ev) => {
    const value = ev.target.value.trim();
    if (value && !/^\d{4}(-\d{2}(-\d{2})?)?$/.test(value)) { say('a date is a year, or YYYY-MM, or YYYY-MM-DD', true); return; }
    view[key] = value;
    applyFilters();
  });
}
$('fit').addEventListener('click', () => fitTo(cy.elements().not('.hidden')));

// --- the panel ----------------------------------------------------------------------------------------

function setPanel(state, ...children) {
  view.panel = state;
  panel.replaceChildren(...children.filter((c) => c !== null && c !== undefined));
  $('panel').scrollTop = 0;
  writeHash();
}

function showEntity(id) {
  const n = cy.getElementById(id);
  if (!n.length) return;
  const d = n.data();
  const ties = n.connectedEdges().not('.hidden');
  const actions = el('div', {class: 'actions'});
  if (!n.hasClass('open') && !(EMBEDDED && EMBEDDED.whole)) actions.append(el('button', {class: 'primary', onclick: () => expand(id)}, 'Show its ties'));
  if (view.focus && view.focus !== id && source.live) {
    const focusLabel = cy.getElementById(view.focus).data('label');
    actions.append(el('button', {onclick: () => showPair(view.focus, id)}, 'Story: ' + focusLabel + ' & ' + d.label));
  }
  actions.append(el('button', {onclick: () => focusOn(id)}, 'Start from here'));
  const list = el('ul');
  ties.sort((a, b) => b.data('sources') - a.data('sources')).slice(0, 40).forEach((e) => {
    const other = e.source().id() === id ? e.target() : e.source();
    const phrase = e.source().id() === id ? e.data('label') + ' → ' : '← ' + e.data('label') + ' ';
    list.append(el('li', {}, el('a', {href: '#', onclick: (ev) => { ev.preventDefault(); cy.elements().unselect();
      e.select(); showTie(e.source().id(), e.target().id()); }}, phrase + other.data('label')),
    el('span', {class: 'muted'}, ' · ' + e.data('sources') + (e.data('sources') === 1 ? ' source' : ' sources'))));
  });
  setPanel({sel: id},
    el('h2', {}, d.label), el('div', {}, typeBadge(d.type)),
    d.aliases.length ? el('p', {class: 'meta'}, 'Also: ' + d.aliases.join(', ')) : null,
    d.wikidata ? el('p', {class: 'meta'}, 'Wikidata: ' + d.wikidata) : null,
    el('p', {class: 'meta'}, 'Named in ' + d.documents.length + (d.documents.length === 1 ? ' document' : ' documents')
      + (d.dates.length ? ' dated ' + d.dates[0] + (d.dates.length > 1 ? ' to ' + d.dates[d.dates.length - 1] : '') : '')),
    actions,
    ties.length ? el('h3', {}, 'Ties shown') : null, ties.length ? list : null);
}

function sentenceBlock(ev, onOpen) {
  return el('div', {class: 'sentence', tabindex: '0', title: source.live ? 'Open the document at this sentence' : '',
    onclick: onOpen, onkeydown: (e) => { if (e.key === 'Enter') onOpen(); }},
  ev.sentence.replace(/\s+/g, ' '),
  el('div', {class: 'where'}, ev.source + (ev.date ? ' · ' + ev.date : '') + ' · ',
    el('span', {class: 'method'}, ev.method || 'unknown method'),
    ev.confidence != null ? ' · confidence ' + ev.confidence : '',
    ' · [' + ev.start + ':' + ev.end + ']'));
}

async function showTie(a, b) {
  say('Loading the sentences…');
  let data;
  try {
    data = await source.tie(a, b);
  } catch (err) {
    say(err.message, true);
    return;
  }
  const label = (i) => (cy.getElementById(i).length ? cy.getElementById(i).data('label') : i);
  const parts = [];
  let count = 0;
  for (const leg of data.ties) {
    parts.push(el('div', {class: 'leg'}, leg.subject + ' ', el('span', {class: 'muted'}, leg.relation), ' ' + leg.object));
    for (const ev of leg.evidence) {
      count += 1;
      parts.push(sentenceBlock(ev, () => openDocument(ev.source, ev.start, ev.end)));
    }
  }
  const actions = el('div', {class: 'actions'});
  if (source.live) actions.append(el('button', {onclick: () => showPair(a, b)}, 'The story of this pair'));
  setPanel({tie: a + ' ' + b},
    el('h2', {}, label(a) + ' — ' + label(b)),
    el('p', {class: 'meta'}, count + (count === 1 ? ' sentence states ' : ' sentences state ') + 'a tie between them'
      + (source.live ? '; click one to read it in its document.' : '.')),
    actions, ...parts,
    el('p', {class: 'muted'}, 'Read-only: confirming, rejecting and merging come with the curation commands.'));
  say(count + ' sentences');
}

async function openDocument(name, start, end, sentence) {
  if (!source.live) { say('the documents\' text is not in this page; open the store with `ties serve`', true); return; }
  say('Loading ' + name + '…');
  let doc;
  try {
    doc = await source.document(name);
  } catch (err) {
    say(err.message, true);
    return;
  }
  if ((start == null || start < 0) && sentence) {  // a timeline entry gives its sentence, not its place
    const at = doc.text.indexOf(sentence);
    if (at >= 0) { start = at; end = at + sentence.length; }
  }
  const hit = start != null && start >= 0 && end <= doc.text.length && start < end ? [start, end] : null;
  const byId = new Map(doc.entities.map((e) => [e.id, e]));
  const text = el('div', {id: 'doc-text'});
  const cuts = new Set([0, doc.text.length]);
  for (const [s, e] of doc.marks) { cuts.add(s); cuts.add(e); }
  if (hit) { cuts.add(hit[0]); cuts.add(hit[1]); }
  const points = [...cuts].sort((x, y) => x - y);
  let m = 0;
  let firstHit = null;
  for (let i = 0; i + 1 < points.length; i++) {
    const [s, e] = [points[i], points[i + 1]];
    while (m < doc.marks.length && doc.marks[m][1] <= s) m++;
    const mark = m < doc.marks.length && doc.marks[m][0] <= s && doc.marks[m][1] >= e ? doc.marks[m] : null;
    let piece = document.createTextNode(doc.text.slice(s, e));
    if (mark) {
      const ent = byId.get(mark[2]);
      piece = el('span', {class: 'ent', style: 'border-bottom-color:' + colour(ent.type), title: ent.label + ' (' + ent.type + ')',
        'data-id': ent.id, onclick: () => addEntity(ent.id)}, piece);
    }
    if (hit && s >= hit[0] && e <= hit[1]) {
      piece = el('mark', {class: 'hit'}, piece);
      firstHit = firstHit || piece;
    }
    text.append(piece);
  }
  const chips = el('div', {id: 'doc-entities'}, ...doc.entities.map((e) => el('span', {class: 'chip', title: e.type,
    onclick: () => addEntity(e.id)}, el('span', {class: 'dot', style: 'background:' + colour(e.type)}), e.label)));
  setPanel({doc: doc.name, at: hit ? hit[0] + '-' + hit[1] : ''},
    el('h2', {}, doc.title || doc.name),
    el('p', {class: 'meta'}, doc.name + (doc.date ? ' · ' + doc.date : '') + ' · names underlined in their type\'s colour'),
    text, el('details', {class: 'entities'}, el('summary', {}, doc.entities.length + ' entities named here (click one to add it to the graph)'), chips));
  if (firstHit) firstHit.scrollIntoView({block: 'center'});
  say(name + (hit ? ': characters ' + hit[0] + ' to ' + hit[1] + ' marked' : ''));
}

async function addEntity(id) {
  if (!cy.getElementById(id).length || !cy.getElementById(id).hasClass('open')) await expand(id);
  cy.elements().unselect();
  cy.getElementById(id).select();
}

// --- a pair's story: the timeline as a chart, the figures with their conflicts -------------------------

function yearOf(d) {
  const [y, m, day] = d.split('-').map(Number);
  return y + ((m || 6.5) - 1) / 12 + ((day || 15) - 1) / 365;
}

function timelineChart(entries, open) {
  const ns = 'http://www.w3.org/2000/svg';
  const svgEl = (tag, attrs) => {
    const node = document.createElementNS(ns, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    return node;
  };
  const width = 400;
  const years = entries.map((t) => yearOf(t.date));
  const lo = Math.floor(Math.min(...years));
  const hi = Math.ceil(Math.max(...years.map((y, i) => (entries[i].end_date ? yearOf(entries[i].end_date) : y)), lo + 1));
  const x = (y) => 20 + ((y - lo) / (hi - lo)) * (width - 40);
  const rows = [];
  const placed = entries.map((t, i) => {
    const x0 = x(years[i]);
    let row = rows.findIndex((last) => last < x0 - 12);
    if (row < 0) { rows.push(0); row = rows.length - 1; }
    rows[row] = x0;
    return {t, x0, row};
  });
  const height = 34 + rows.length * 14;
  const svg = svgEl('svg', {class: 'timeline', viewBox: '0 0 ' + width + ' ' + height, role: 'img',
    'aria-label': 'Timeline, ' + lo + ' to ' + hi});
  const axisY = height - 20;
  svg.append(svgEl('line', {class: 'axis', x1: 20, x2: width - 20, y1: axisY, y2: axisY}));
  const step = Math.max(1, Math.ceil((hi - lo) / 8));
  for (let y = lo; y <= hi; y += step) {
    svg.append(svgEl('line', {class: 'axis', x1: x(y), x2: x(y), y1: axisY, y2: axisY + 4}));
    const label = svgEl('text', {class: 'tick', x: x(y), y: axisY + 15, 'text-anchor': 'middle'});
    label.textContent = String(y);
    svg.append(label);
  }
  for (const {t, x0, row} of placed) {
    const cyPos = axisY - 10 - row * 14;
    if (t.end_date) {
      svg.append(svgEl('line', {x1: x0, x2: x(yearOf(t.end_date)), y1: cyPos, y2: cyPos, stroke: colour(t.type),
        'stroke-width': 4, 'stroke-linecap': 'round', opacity: 0.6}));
    }
    const dot = svgEl('circle', {cx: x0, cy: cyPos, r: 5.5, fill: colour(t.type)});
    const tip = svgEl('title', {});
    tip.textContent = t.date + ' ' + t.label + ' (' + t.what + ')';
    dot.append(tip);
    dot.addEventListener('click', () => open(t));
    svg.append(dot);
  }
  return svg;
}

function formatValue(f) {
  const n = Math.abs(f.value) >= 1e9 ? (f.value / 1e9).toLocaleString('en', {maximumFractionDigits: 2}) + ' bn'
    : Math.abs(f.value) >= 1e6 ? (f.value / 1e6).toLocaleString('en', {maximumFractionDigits: 2}) + ' m'
      : f.value.toLocaleString('en', {maximumFractionDigits: 2});
  return n + ' ' + (f.unit || '');
}

async function showPair(a, b) {
  say('Loading the story…');
  let data;
  try {
    data = await source.pair(a, b);
  } catch (err) {
    say(err.message, true);
    return;
  }
  const openEntry = (t) => openDocument(t.source.name, null, null, t.sentence);
  const parts = [el('h2', {}, data.a.label + ' & ' + data.b.label)];
  parts.push(el('p', {class: 'meta'}, count(data.timeline.length, 'dated event', 'dated events') + ', '
    + count(data.facts.length, 'figure', 'figures') + ', ' + count(data.ties.length, 'tie', 'ties')
    + ' (a country counts its bodies, firms and nationals)'));
  parts.push(el('h3', {}, 'Timeline'));
  if (data.timeline.length) {
    parts.push(timelineChart(data.timeline, openEntry));
    parts.push(el('ol', {class: 'timeline'}, ...data.timeline.map((t) => el('li', {onclick: () => openEntry(t),
      title: t.sentence}, el('span', {class: 'date'}, t.date + (t.end_date ? ' – ' + t.end_date : '')),
    t.label + ' ', el('span', {class: 'muted'}, t.what + ' · ' + t.source.name)))));
  } else {
    parts.push(el('p', {class: 'muted'}, 'No dated event, agreement, project or relation involves both.'));
  }
  parts.push(el('h3', {}, 'Figures'));
  if (data.facts.length) {
    const body = el('tbody');
    for (const f of data.facts) {
      const conflicts = f.conflicts_with.map((c) => formatValue({value: c.value, unit: f.unit}) + ' in ' + c.source);
      body.append(el('tr', {onclick: () => openDocument(f.source.name, f.start, f.end), title: f.sentence},
        el('td', {}, f.measure, f.time ? el('span', {class: 'muted'}, ' ' + f.time) : null),
        el('td', {class: 'num'}, (f.qualifier ? f.qualifier + ' ' : '') + formatValue(f)),
        el('td', {}, f.source.name, conflicts.length ? el('div', {class: 'conflict'}, '≠ ' + conflicts.join('; ')) : null)));
    }
    parts.push(el('table', {class: 'figures'}, el('thead', {}, el('tr', {}, el('th', {}, 'measure'),
      el('th', {}, 'value'), el('th', {}, 'source'))), body));
  } else {
    parts.push(el('p', {class: 'muted'}, 'No figure is about both.'));
  }
  setPanel({pair: a + ' ' + b}, ...parts);
  say('The story of ' + data.a.label + ' and ' + data.b.label);
}

// --- events --------------------------------------------------------------------------------------------

cy.on('tap', 'node', (ev) => {
  const id = ev.target.id();
  showEntity(id);
  if (!ev.target.hasClass('open')) expand(id).then(() => showEntity(id));
});
cy.on('tap', 'edge', (ev) => showTie(ev.target.source().id(), ev.target.target().id()));

const search = $('search');
const list = $('suggestions');
let active = -1;
let pending = 0;

function choose(item) {
  list.hidden = true;
  search.value = item.label;
  focusOn(item.id);
}

async function suggestNow() {
  const q = search.value.trim();
  const ticket = ++pending;
  if (!q) { list.hidden = true; return; }
  let items;
  try {
    items = await source.search(q);
  } catch (err) {
    say(err.message, true);
    return;
  }
  if (ticket !== pending) return;  // a later keystroke asked already
  active = items.length ? 0 : -1;
  list.replaceChildren(...(items.length ? items.map((item, i) => el('li', {role: 'option', class: i === 0 ? 'active' : '',
    onmousedown: (e) => { e.preventDefault(); choose(item); }}, el('span', {class: 'dot', style: 'background:' + colour(item.type)}),
  item.label, el('span', {class: 'also'}, item.type + (item.matched ? ' · "' + item.matched + '"' : ''))))
    : [el('li', {class: 'none'}, 'No entity has a name with "' + q + '"')]));
  list.items = items;
  list.hidden = false;
}

let timer = null;
search.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(suggestNow, 120); });
search.addEventListener('keydown', (ev) => {
  const items = list.items || [];
  if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
    ev.preventDefault();
    if (!items.length) return;
    active = (active + (ev.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length;
    [...list.children].forEach((li, i) => li.classList.toggle('active', i === active));
  } else if (ev.key === 'Enter') {
    ev.preventDefault();
    if (!list.hidden && items[active]) choose(items[active]);
    else suggestNow();
  } else if (ev.key === 'Escape') {
    list.hidden = true;
  }
});
search.addEventListener('blur', () => { list.hidden = true; });

// --- start: the view the address holds -------------------------------------------------------------------

async function restore() {
  const state = readHash();
  Object.assign(view, {hideTypes: state.hideTypes, hideRels: state.hideRels, min: state.min, from: state.from, to: state.to});
  $('min-sources').value = String(view.min);
  $('date-from').value = view.from;
  $('date-to').value = view.to;
  const start = state.focus || (EMBEDDED && !EMBEDDED.whole && EMBEDDED.focus);
  if (EMBEDDED && EMBEDDED.whole && !state.focus) {
    drawAll();
  } else if (start) {
    view.focus = start;
    const data = await expand(start, {fit: true, quiet: true});
    if (data) {
      view.focus = data.entity.id;
      cy.getElementById(data.entity.id).addClass('focus');
      for (const id of state.open) await expand(id, {quiet: true});
      applyFilters();
      fitTo(cy.elements().not('.hidden'));
    }
  }
  const p = state.panel;
  if (p.tie) showTie(...p.tie.split(' '));
  else if (p.pair) showPair(...p.pair.split(' '));
  else if (p.doc) {
    const [s, e] = (p.at || '').split('-').map(Number);
    openDocument(p.doc, Number.isFinite(s) ? s : null, Number.isFinite(e) ? e : null);
  } else if (p.sel) showEntity(p.sel);
  else if (view.focus) showEntity(view.focus);
  else if (!EMBEDDED) showIntro();
  writeHash();
}

function showIntro() {
  const item = (title, text) => el('li', {}, el('strong', {}, title), ' ' + text);
  setPanel(null, el('h2', {}, 'Explore the store'),
    el('ul', {}, item('Search', 'any name or alias above; suggestions come as you type.'),
      item('Click a node', 'to add its ties to the drawing; what is drawn stays where it is.'),
      item('Click a tie', 'for the sentences that state it, and a sentence for its document.'),
      item('Filter', 'by type, kind of tie, date of the documents, number of sources.'),
      item('Share', 'the address: it holds what you see.')),
    el('p', {class: 'muted'}, 'Queries of your own: the SPARQL page, top right.'));
}

// An exported page small enough to draw whole starts with all of it (around its entity, if any).
function drawAll() {
  cy.startBatch();
  for (const n of EMBEDDED.nodes) cy.add({group: 'nodes', data: nodeData(n)});
  for (const e of EMBEDDED.edges) cy.add({group: 'edges', data: edgeData(e)});
  cy.endBatch();
  if (EMBEDDED.focus) { view.focus = EMBEDDED.focus; cy.getElementById(EMBEDDED.focus).addClass('focus'); }
  refreshFilters();  // first: the filters' bar settles the drawing's box, which the layout fits
  applyFilters();
  cy.layout({name: 'cose', animate: false, randomize: true, nodeRepulsion: () => 9000, idealEdgeLength: () => 70,
    componentSpacing: 60, nodeDimensionsIncludeLabels: true, fit: true, padding: 30}).run();
  $('empty').hidden = cy.nodes().length > 0;
  setPanel(null, el('h2', {}, EMBEDDED.title || 'ties'),
    el('p', {class: 'meta'}, EMBEDDED.nodes.length + ' entities, ' + EMBEDDED.edges.length + ' ties'),
    el('p', {class: 'muted'}, 'Click a tie to read the sentences that state it; search a name above.'));
}

if (EMBEDDED) {
  $('sparql-link').hidden = true;
  document.title = (EMBEDDED.title || 'ties') + ' · ties';
}
restore();
