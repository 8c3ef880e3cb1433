// The live board. The page carries no rows: this module fetches the board's
// JSON (the page preloads it; the server encodes it once per event, gzipped,
// with an ETag) and draws only the rows in sight, so 5,000 contestants cost
// the browser about as much as 50. Two spacers stand for the rows above and
// below the window. It applies each row pushed over the websocket, re-ranks
// with an animation, follows the reveal, and has the projector's fullscreen
// and auto-scroll. A reset reloads the board in place.
import { live } from './live.js';
import { tr } from './i18n.js';
import { formatDuration } from './common.js';

const board = document.getElementById('board');
const tbody = document.getElementById('board-rows');
const above = document.getElementById('board-above');
const below = document.getElementById('board-below');
const count = document.getElementById('board-count');
const banner = document.getElementById('frozen-banner');
const contest = board.dataset.contest;
const view = board.dataset.view;
const src = board.dataset.src;
const icpc = board.dataset.scoring === 'icpc';
const slugs = [...board.querySelectorAll('th.challenge')].map((th) => th.dataset.slug);
let revealing = board.dataset.revealing === '1';
// The footer's solved/tried count of each challenge.
const stats = [...board.querySelectorAll('tfoot td.stat')];

// The board: rows in order, the position of each contestant, and the
// earliest solve time of each challenge (its first solvers).
let rows = [];
const pos = new Map();
let firstAt = {};

// The window: rendered rows by contestant, the height of one row (measured
// once rows are drawn; 0 until then) and how many rows to draw beyond sight.
const drawn = new Map();
let rowH = 0;
const overscan = 10;
const initialRows = 40;

function formatScore(n) {
  return String(Math.round(n * 100) / 100);
}

// key orders rows as the server does: total desc (to 1/100 point; ICPC:
// solved), then penalty asc (ICPC only), then the earlier time.
function before(a, b) {
  const ta = Math.round(a.total * 100);
  const tb = Math.round(b.total * 100);
  if (ta !== tb) return ta > tb;
  if (icpc && (a.penalty || 0) !== (b.penalty || 0)) return (a.penalty || 0) < (b.penalty || 0);
  if (a.time !== b.time) return a.time < b.time;
  return a.contestant.name < b.contestant.name;
}

function sameKey(a, b) {
  return Math.round(a.total * 100) === Math.round(b.total * 100) && a.time === b.time
    && (!icpc || (a.penalty || 0) === (b.penalty || 0));
}

// reindex recomputes positions and ranks (equal keys share one), the
// first solvers and each challenge's solved/tried counts, after rows changed.
function reindex() {
  pos.clear();
  firstAt = {};
  const solved = {};
  const tried = {};
  rows.forEach((r, i) => {
    pos.set(r.contestant.id, i);
    r.rank = i > 0 && sameKey(rows[i - 1], r) ? rows[i - 1].rank : i + 1;
    for (const [slug, c] of Object.entries(r.challenges || {})) {
      if (c.solved && (firstAt[slug] === undefined || c.time < firstAt[slug])) firstAt[slug] = c.time;
      if (c.attempts > 0 || c.pending > 0) tried[slug] = (tried[slug] || 0) + 1;
      if (c.solved && !(c.pending > 0)) solved[slug] = (solved[slug] || 0) + 1;
    }
  });
  for (const td of stats) {
    const slug = td.dataset.slug;
    td.textContent = `${solved[slug] || 0} / ${tried[slug] || 0}`;
  }
}

function fillCell(td, c, slug) {
  td.replaceChildren();
  td.className = 'cell';
  if (!c || c.attempts === 0) return;
  if (c.pending > 0) td.classList.add('pending');
  else if (c.solved) td.classList.add('solved');
  else if (c.score > 0) td.classList.add('partial');
  else td.classList.add('tried');
  const first = c.solved && c.pending === 0 && c.time === firstAt[slug];
  if (first) td.classList.add('first');
  const score = document.createElement('span');
  score.className = 'score';
  if (c.pending > 0) {
    score.textContent = '?';
    score.setAttribute('aria-hidden', 'true');
  } else if (icpc) score.textContent = c.solved ? '+' : '−';
  else score.textContent = formatScore(c.score);
  const tries = document.createElement('small');
  tries.textContent = c.attempts;
  const sr = document.createElement('span');
  sr.className = 'sr';
  const text = c.pending > 0 ? tr('board.cell_pending') : c.solved ? tr('board.cell_solved') : '';
  sr.textContent = `${text} · ${tr('board.tries', c.attempts)}`;
  td.append(score, tries, sr);
  if (first) {
    const f = document.createElement('span');
    f.className = 'sr first-sr';
    f.textContent = tr('board.first');
    td.append(f);
  }
}

function newRow(id) {
  const tr0 = document.createElement('tr');
  tr0.dataset.id = id;
  const cols = ['rank', 'who', 'org', 'total'];
  if (icpc) cols.push('penalty');
  for (const cls of cols) {
    const td = document.createElement('td');
    td.className = cls;
    tr0.append(td);
  }
  for (const slug of slugs) {
    const td = document.createElement('td');
    td.className = 'cell';
    td.dataset.slug = slug;
    tr0.append(td);
  }
  return tr0;
}

function fillRow(tr0, row) {
  tr0.querySelector('.rank').textContent = row.rank;
  tr0.querySelector('.who').textContent = row.contestant.name;
  const org = tr0.querySelector('.org');
  org.textContent = row.contestant.organization || '';
  org.title = org.textContent; // the whole name, where the cell cuts it
  tr0.querySelector('.total').textContent = formatScore(row.total);
  const pen = tr0.querySelector('.penalty');
  if (pen) pen.textContent = row.penalty || 0;
  for (const td of tr0.querySelectorAll('td.cell')) fillCell(td, (row.challenges || {})[td.dataset.slug], td.dataset.slug);
  tr0.dataset.total = row.total;
}

// rowsTop is where the first row would be, in page coordinates.
function rowsTop() {
  return above.getBoundingClientRect().top + window.scrollY;
}

// render draws the rows in sight (and a few beyond). Rows already drawn are
// kept; refill redraws their contents too (after the board changed).
function render(refill = false) {
  let first = 0;
  let last = Math.min(rows.length, initialRows);
  if (rowH > 0) {
    const top = window.scrollY - rowsTop();
    first = Math.max(0, Math.floor(top / rowH) - overscan);
    last = Math.min(rows.length, Math.ceil((top + window.innerHeight) / rowH) + overscan);
    first = Math.min(first, Math.max(0, last - 1));
  }
  const want = [];
  const keep = new Set();
  for (let i = first; i < last; i++) {
    const row = rows[i];
    const id = row.contestant.id;
    let tr0 = drawn.get(id);
    if (!tr0) {
      tr0 = newRow(id);
      drawn.set(id, tr0);
      fillRow(tr0, row);
      tr0.row = row;
    } else if (refill || tr0.row !== row) {
      fillRow(tr0, row);
      tr0.row = row;
    }
    tr0.classList.toggle('even', i % 2 === 1);
    keep.add(id);
    want.push(tr0);
  }
  for (const [id, tr0] of drawn) {
    if (!keep.has(id)) {
      tr0.remove();
      drawn.delete(id);
    }
  }
  const cur = tbody.children;
  if (cur.length !== want.length || want.some((r, i) => cur[i] !== r)) tbody.replaceChildren(...want);
  if (rowH === 0 && want.length > 0) {
    rowH = tbody.getBoundingClientRect().height / want.length;
    if (rowH > 0) {
      render();
      return;
    }
  }
  const h = rowH || 0;
  above.style.height = `${first * h}px`;
  below.style.height = `${Math.max(0, rows.length - last) * h}px`;
}

let frame = 0;
function scheduleRender() {
  if (!frame) frame = requestAnimationFrame(() => {
    frame = 0;
    render();
  });
}
window.addEventListener('scroll', scheduleRender, { passive: true });
window.addEventListener('resize', () => {
  fit();
  rowH = 0;
  scheduleRender();
});

// place moves row (new or changed) to where it belongs and returns its
// position before (-1: new) and after.
function place(row) {
  const id = row.contestant.id;
  let from = pos.has(id) ? pos.get(id) : -1;
  if (from >= 0) rows.splice(from, 1);
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (before(rows[mid], row)) lo = mid + 1;
    else hi = mid;
  }
  rows.splice(lo, 0, row);
  if (from < 0) from = rows.length - 1;
  return [from, lo];
}

// Live rows wait for the next frame, so a burst (a rejudge, the reveal)
// re-ranks and redraws once.
let queued = [];
// Live rows that came while the board was being fetched: a board older
// than them must not undo them.
let loading = 0;
let during = [];
function applyLive(row, id) {
  if (!row.challenges) row.challenges = {};
  if (loading) during.push({ id, row });
  queued.push(row);
  if (queued.length === 1) requestAnimationFrame(flush);
}

function flush() {
  const batch = queued;
  queued = [];
  // Rows in sight before the change, by contestant, for the animation.
  const was = new Map([...drawn.keys()].map((id) => [id, pos.get(id)]));
  let last = null;
  for (const row of batch) {
    place(row);
    last = row;
  }
  reindex();
  showCount();
  render(true);
  const max = window.innerHeight;
  for (const [id, tr0] of drawn) {
    const now = pos.get(id);
    const old = was.has(id) ? was.get(id) : now;
    const dy = Math.max(-max, Math.min(max, (old - now) * rowH));
    if (dy) tr0.animate([{ transform: `translateY(${dy}px)` }, { transform: 'none' }], { duration: 600, easing: 'ease-out' });
  }
  for (const row of batch) highlight(row.contestant.id);
  if (last) follow(last.contestant.id);
}

function highlight(id) {
  const tr0 = drawn.get(id);
  if (!tr0) return;
  tr0.classList.remove('changed');
  void tr0.offsetWidth; // restart the highlight animation
  tr0.classList.add('changed');
}

// During the reveal every open board shows where the revealed result lands.
function follow(id) {
  if (!revealing || !rowH) return;
  pauseScroll(8000);
  const top = rowsTop() + pos.get(id) * rowH - window.innerHeight / 2 + rowH / 2;
  window.scrollTo({ top: Math.max(0, top), behavior: 'smooth' });
  const mark = () => {
    const tr0 = drawn.get(id);
    if (!tr0) return;
    tr0.classList.add('revealed');
    setTimeout(() => tr0.classList.remove('revealed'), 4000);
  };
  setTimeout(mark, 400); // once the smooth scroll has drawn the row
}

function showCount() {
  count.textContent = tr('board.count', rows.length);
}

// load fetches the board (revalidated by its ETag) and draws it, with the
// live rows that came meanwhile and are newer; it returns the event id to
// resume the live feed from.
async function load() {
  loading++;
  try {
    return await fetchAndDraw();
  } finally {
    loading--;
    if (!loading) during = [];
  }
}

async function fetchAndDraw() {
  const [resp, ct] = await Promise.all([
    fetch(src, { credentials: 'same-origin' }),
    fetch(`/api/contests/${encodeURIComponent(contest)}`, { credentials: 'same-origin' }).then((r) => r.json()),
  ]);
  if (!resp.ok) throw new Error(`board: ${resp.status}`);
  const b = await resp.json();
  revealing = Boolean(ct.revealing);
  board.dataset.revealing = revealing ? '1' : '';
  banner.hidden = !b.frozen;
  rows = b.rows || [];
  for (const r of rows) if (!r.challenges) r.challenges = {};
  reindex();
  for (const { id, row } of during) {
    if (olderID(b.event_id, id)) {
      place(row);
      reindex();
    }
  }
  showCount();
  render(true);
  if (document.body.classList.contains('projector')) {
    fit(); // the rows' names widen the board
    rowH = 0;
    render();
  }
  // For measuring: when the first rows were drawn, from the navigation's start.
  if (!performance.getEntriesByName('board:first-rows').length) performance.mark('board:first-rows');
  board.dataset.event = b.event_id;
  return b.event_id;
}

// olderID reports whether event id a comes before b ("ms-seq").
function olderID(a, b) {
  const [am, as] = String(a).split('-').map(Number);
  const [bm, bs] = String(b).split('-').map(Number);
  return am < bm || (am === bm && (as || 0) < (bs || 0));
}

// loadSince loads the board until it includes event id: while the server
// encodes a busy board anew it may answer with the one before, which must
// not stand for a reset's.
async function loadSince(id) {
  let got = await load();
  for (let i = 0; i < 20 && id && olderID(got, id); i++) {
    await new Promise((ok) => setTimeout(ok, 250));
    got = await load();
  }
  return got;
}

async function start() {
  for (;;) {
    try {
      return await load();
    } catch {
      count.textContent = count.dataset.failed;
      await new Promise((ok) => setTimeout(ok, 3000));
    }
  }
}

start().then((since) => live({
  contest,
  channel: 'board',
  since,
  view: view === 'public' ? 'public' : '',
  onEvent(ev) {
    if (ev.type === 'row') applyLive(ev.data, ev.id);
  },
  onReset: (ev) => loadSince(ev.id).catch(() => undefined),
}));

// Projector: fullscreen and auto-scroll.
const fsButton = document.getElementById('fullscreen');
const fsLabel = fsButton.textContent;
function toggleFullscreen() {
  if (document.fullscreenElement) document.exitFullscreen();
  else document.documentElement.requestFullscreen().catch(() => setProjector(!document.body.classList.contains('projector')));
}
// setProjector switches the big type on and off; rows change height.
function setProjector(on) {
  document.body.classList.toggle('projector', on);
  fit();
  rowH = 0;
  render();
}

// fit sizes the projector's type so that the board fills the screen's
// width and no column is cut off: the board is sized in rem, so its width
// follows the root font size. The type stays small enough for about a dozen
// rows to fit the screen's height (rows are 2.8rem), and never below 10 px.
const root = document.documentElement;
const table = board.querySelector('table.standings');
function fit() {
  root.style.fontSize = '';
  if (!document.body.classList.contains('projector')) return;
  const wide = board.clientWidth;
  const most = Math.min(window.innerHeight / 40, 40);
  // Twice: what does not grow with the type (borders, a long name's
  // ellipsis) makes the first guess a little off.
  for (let i = 0; i < 2; i++) {
    const base = parseFloat(getComputedStyle(root).fontSize) || 16;
    table.style.width = 'max-content';
    const natural = table.getBoundingClientRect().width;
    table.style.width = '';
    if (!natural || !wide) return;
    root.style.fontSize = `${Math.max(10, Math.min(base * (wide / natural) * 0.99, most)).toFixed(2)}px`;
  }
}
if (new URLSearchParams(location.search).has('projector')) setProjector(true);
fsButton.addEventListener('click', toggleFullscreen);
document.addEventListener('fullscreenchange', () => {
  const on = Boolean(document.fullscreenElement);
  setProjector(on);
  fsButton.textContent = on ? tr('js.exit_fullscreen') : fsLabel;
  if (on) setScroll(true);
});

const scrollButton = document.getElementById('autoscroll');
let scrolling = false;
let pausedUntil = 0;
let direction = 1;
let lastFrame = 0;
const speed = 40; // pixels a second

function pauseScroll(ms) {
  pausedUntil = Math.max(pausedUntil, performance.now() + ms);
}

function step(now) {
  if (!scrolling) return;
  const dt = lastFrame ? now - lastFrame : 0;
  lastFrame = now;
  if (now >= pausedUntil) {
    const max = document.documentElement.scrollHeight - window.innerHeight;
    if (max <= 0) {
      pauseScroll(2000);
    } else if (direction > 0) {
      window.scrollBy(0, (speed * dt) / 1000);
      if (window.scrollY >= max - 1) {
        direction = -1;
        pauseScroll(4000); // rest at the bottom
      }
    } else {
      window.scrollTo({ top: 0 });
      direction = 1;
      pauseScroll(4000); // and at the top
    }
  }
  requestAnimationFrame(step);
}

function setScroll(on) {
  scrolling = on;
  scrollButton.setAttribute('aria-pressed', String(on));
  if (on) {
    lastFrame = 0;
    pauseScroll(2000);
    requestAnimationFrame(step);
  }
}
scrollButton.addEventListener('click', () => setScroll(!scrolling));

document.addEventListener('keydown', (e) => {
  if (e.ctrlKey || e.metaKey || e.altKey || e.target.closest('input, textarea, select')) return;
  if (e.key === 'f' || e.key === 'F') toggleFullscreen();
  else if (e.key === 's' || e.key === 'S') setScroll(!scrolling);
});

// The contest clock: time since the start, up to the end.
const clock = document.getElementById('board-clock');
if (clock) {
  const since = performance.now() - Number(clock.dataset.elapsed) * 1000;
  const length = Number(clock.dataset.length);
  const tick = () => {
    const t = Math.min(length, Math.max(0, (performance.now() - since) / 1000));
    const text = formatDuration(t);
    if (clock.textContent !== text) clock.textContent = text;
  };
  tick();
  setInterval(tick, 1000);
}
