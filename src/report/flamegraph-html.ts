// A self-contained interactive diff flame graph page: inline CSS and script, no network (a CSP
// forbids it), opens offline from the artifact. Click a frame to zoom, search names (also via
// `#search=<text>` in the URL), switch between the baseline, current and diff views; a tooltip shows
// baseline %, current % and delta. The tree is embedded as flat JSON rows (diff-json.ts) in a non-executed
// script element with `<`, `>` and `&` escaped, and names reach the page only through textContent.
import type { DiffTree } from '../profile/diff-tree.js'
import { changeColour, NEUTRAL_CHANGE, NEUTRAL_COLOUR } from './diff-shares.js'
import { diffTreeToJson } from './diff-json.js'
import { escapeHtml, toSingleLine } from './escape.js'

export interface DiffHtmlOptions {
  title: string
}

/** JSON safe inside a <script> element: no `</script>`, `<!--` or `]]>` can appear in it. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026')
}

// The colour ramps come from diff-shares.ts so the page colours exactly as the SVG does.
const RAMP_STEPS = 64
function colourConfig(): { neutral: string; neutralChange: number; growth: string[]; shrink: string[] } {
  const ramp = (sign: number): string[] => Array.from({ length: RAMP_STEPS + 1 }, (_, i) => changeColour(sign * Math.max(NEUTRAL_CHANGE, i / RAMP_STEPS), 1))
  return { neutral: NEUTRAL_COLOUR, neutralChange: NEUTRAL_CHANGE, growth: ramp(1), shrink: ramp(-1) }
}

const CSS = `
*{box-sizing:border-box}body{margin:0;font:13px system-ui,sans-serif;color:#111;background:#fff}
header{position:sticky;top:0;z-index:2;background:#f6f6f6;border-bottom:1px solid #ccc;padding:8px 10px;display:flex;flex-wrap:wrap;gap:10px;align-items:center}
h1{font-size:15px;margin:0 12px 0 0}label{cursor:pointer}input[type=search]{width:18em}
#pg-status{color:#555}#pg-box{position:relative;margin:10px;overflow:hidden}
.fr{position:absolute;height:17px;line-height:17px;padding:0 3px;font:11px monospace;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;border-right:1px solid #fff;cursor:pointer}
.fr:hover{outline:1px solid #000}.fr.anc{opacity:.55}.fr.m{background:#b05cd6 !important;color:#fff}
#pg-tip{position:fixed;z-index:3;display:none;max-width:60em;padding:6px 8px;background:#222;color:#fff;font:12px monospace;white-space:pre-wrap;word-break:break-all;pointer-events:none;border-radius:3px}
footer{margin:0 10px 10px;color:#555}`

// Plain ES5-style script (no template literals): it lives inside a TypeScript template string.
const SCRIPT = `
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('pg-data').textContent);
  var colours = JSON.parse(document.getElementById('pg-colours').textContent);
  var ROW = 18, MIN_PX = 1, MAX_FRAMES = 30000;
  var name = [], lTot = [], rTot = [], parent = [], depth = [], kids = [], path = [];
  var F = data.fields.length, rows = data.nodes;
  for (var at = 0; at + F <= rows.length; at += F) {
    var i = name.length, d = rows[at + 1];
    name.push(data.names[rows[at]] || ''); lTot.push(rows[at + 3]); rTot.push(rows[at + 5]);
    var p = d > 0 ? path[d - 1] : -1;
    parent.push(p); depth.push(d); kids.push([]);
    if (p >= 0) kids[p].push(i);
    path[d] = i;
  }
  function base(i) { return data.leftTotal > 0 ? lTot[i] / data.leftTotal : 0; }
  function cur(i) { return data.rightTotal > 0 ? rTot[i] / data.rightTotal : 0; }
  var maxAbs = 0;
  for (var k = 0; k < name.length; k++) maxAbs = Math.max(maxAbs, Math.abs(cur(k) - base(k)));
  function fixed(v) { var a = Math.abs(v); return a >= 1 || a === 0 ? v.toFixed(1) : v.toFixed(2); }
  function pct(s) { return fixed(s * 100) + ' %'; }
  function pp(d) { var t = fixed(d * 100); return (d >= 0 && t.charAt(0) !== '-' ? '+' : '') + t + ' pp'; }
  var view = 'diff', zoom = 0, query = '';
  function weight(i) { return view === 'baseline' ? base(i) : view === 'current' ? cur(i) : (base(i) + cur(i)) / 2; }
  function hue(s) { var h = 0; for (var c = 0; c < s.length; c++) h = (h * 31 + s.charCodeAt(c)) | 0; return Math.abs(h); }
  function colour(i) {
    if (view !== 'diff') { var h = hue(name[i]); return 'hsl(' + (18 + h % 32) + ',85%,' + (62 + h % 14) + '%)'; }
    var d = cur(i) - base(i);
    if (!(Math.abs(d) >= colours.neutralChange) || !(maxAbs > 0)) return colours.neutral;
    var step = Math.min(colours.growth.length - 1, Math.round(Math.abs(d) / maxAbs * (colours.growth.length - 1)));
    return (d > 0 ? colours.growth : colours.shrink)[step];
  }
  var box = document.getElementById('pg-box'), tip = document.getElementById('pg-tip');
  var status = document.getElementById('pg-status'), search = document.getElementById('pg-search');
  function matches(i) { return query !== '' && name[i].toLowerCase().indexOf(query) >= 0; }
  function render() {
    var width = box.clientWidth || 1200, frag = document.createDocumentFragment();
    var drawn = 0, skipped = 0, maxDepth = 0, highlighted = 0;
    function add(i, x, w, ancestor) {
      var el = document.createElement('div');
      el.className = 'fr' + (ancestor ? ' anc' : '') + (matches(i) ? ' m' : '');
      el.style.left = x + 'px'; el.style.width = w + 'px'; el.style.top = depth[i] * ROW + 'px';
      el.style.background = colour(i);
      if (w > 24) el.textContent = name[i];
      el.setAttribute('data-i', String(i));
      frag.appendChild(el); drawn++;
      if (matches(i)) highlighted++;
      if (depth[i] > maxDepth) maxDepth = depth[i];
    }
    for (var a = parent[zoom]; a >= 0; a = parent[a]) add(a, 0, width, true);
    var total = weight(zoom);
    var st = total > 0 ? [[zoom, 0]] : [];
    while (st.length) {
      var e = st.pop(), i = e[0], w = weight(i) / total * width;
      if (w < MIN_PX || drawn >= MAX_FRAMES) { skipped++; continue; }
      add(i, e[1], w, false);
      var x = e[1], next = [];
      for (var c = 0; c < kids[i].length; c++) { next.push([kids[i][c], x]); x += weight(kids[i][c]) / total * width; }
      for (var r = next.length - 1; r >= 0; r--) st.push(next[r]);
    }
    box.textContent = '';
    box.style.height = (maxDepth + 1) * ROW + 'px';
    box.appendChild(frag);
    var found = 0;
    if (query !== '') for (var q = 0; q < name.length; q++) if (matches(q)) found++;
    status.textContent = drawn + ' frames drawn' + (skipped ? ', ' + skipped + ' narrow subtrees hidden' : '') +
      (query !== '' ? ' · ' + found + ' frames match, ' + highlighted + ' highlighted' : '');
  }
  box.addEventListener('click', function (ev) {
    var el = ev.target.closest('.fr'); if (!el) return;
    zoom = Number(el.getAttribute('data-i')); render();
  });
  box.addEventListener('mousemove', function (ev) {
    var el = ev.target.closest('.fr'); if (!el) { tip.style.display = 'none'; return; }
    var i = Number(el.getAttribute('data-i'));
    tip.textContent = name[i] + '\\nbaseline ' + pct(base(i)) + ' · current ' + pct(cur(i)) + ' · delta ' + pp(cur(i) - base(i));
    tip.style.display = 'block';
    tip.style.left = Math.min(ev.clientX + 12, window.innerWidth - tip.offsetWidth - 4) + 'px';
    tip.style.top = ev.clientY + 14 + 'px';
  });
  box.addEventListener('mouseleave', function () { tip.style.display = 'none'; });
  document.getElementById('pg-reset').addEventListener('click', function () { zoom = 0; render(); });
  search.addEventListener('input', function () { query = search.value.toLowerCase(); render(); });
  var radios = document.querySelectorAll('input[name=pg-view]');
  for (var v = 0; v < radios.length; v++) radios[v].addEventListener('change', function (ev) { view = ev.target.value; render(); });
  var hash = new URLSearchParams(location.hash.slice(1));
  if (hash.get('search')) { search.value = hash.get('search'); query = search.value.toLowerCase(); }
  var initialView = hash.get('view');
  if (initialView === 'baseline' || initialView === 'current') {
    view = initialView; document.querySelector('input[value=' + view + ']').checked = true;
  }
  window.addEventListener('resize', render);
  render();
})();
`

export function renderDiffHtml(tree: DiffTree, opts: DiffHtmlOptions): string {
  const title = escapeHtml(toSingleLine(opts.title))
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    // nothing on this page may load anything: it must work offline and leak nothing
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${title}</title><style>${CSS}</style></head><body>`,
    `<header><h1>${title}</h1>`,
    '<span><label><input type="radio" name="pg-view" value="diff" checked> diff</label> ',
    '<label><input type="radio" name="pg-view" value="baseline"> baseline</label> ',
    '<label><input type="radio" name="pg-view" value="current"> current</label></span>',
    '<button id="pg-reset" type="button">reset zoom</button>',
    '<input id="pg-search" type="search" placeholder="search function name" aria-label="search function name">',
    '<span id="pg-status"></span></header>',
    '<div id="pg-box"></div><div id="pg-tip"></div>',
    '<footer>Diff view: width is the mean of the baseline and current share of the total; colour is the change of the total share (red grew, green shrank, grey unchanged). Click a frame to zoom.</footer>',
    `<script type="application/json" id="pg-data">${jsonForScript(diffTreeToJson(tree))}</script>`,
    `<script type="application/json" id="pg-colours">${jsonForScript(colourConfig())}</script>`,
    `<script>${SCRIPT}</script>`,
    '</body></html>',
    ''
  ].join('\n')
}
