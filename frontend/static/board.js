// The live board: applies each row pushed over the websocket, re-ranks with
// an animation, follows the reveal, and has the projector's fullscreen and
// auto-scroll. A reset reloads the rows from the API in place.
import { live } from './live.js';
import { tr } from './i18n.js';

const board = document.getElementById('board');
const tbody = document.getElementById('board-rows');
const banner = document.getElementById('frozen-banner');
const contest = board.dataset.contest;
const view = board.dataset.view;
const icpc = board.dataset.scoring === 'icpc';
const slugs = [...board.querySelectorAll('th.challenge')].map((th) => th.dataset.slug);
let revealing = board.dataset.revealing === '1';

function formatScore(n) {
  return String(Math.round(n * 100) / 100);
}

function fillCell(td, c) {
  td.replaceChildren();
  td.className = 'cell';
  if (!c || c.attempts === 0) return;
  if (c.pending > 0) td.classList.add('pending');
  else if (c.solved) td.classList.add('solved');
  else if (c.score > 0) td.classList.add('partial');
  else td.classList.add('tried');
  td.dataset.t = c.time || 0;
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
}

// markFirst marks, for each challenge, the earliest solve (ties share it),
// as the server does when it builds a board: rows pushed live do not carry it.
function markFirst() {
  for (const slug of slugs) {
    const solved = [...tbody.querySelectorAll(`td.cell.solved[data-slug="${CSS.escape(slug)}"]`)];
    const first = Math.min(...solved.map((td) => Number(td.dataset.t)));
    for (const td of tbody.querySelectorAll(`td.cell[data-slug="${CSS.escape(slug)}"]`)) {
      const want = td.classList.contains('solved') && Number(td.dataset.t) === first;
      if (td.classList.contains('first') === want) continue;
      td.classList.toggle('first', want);
      if (want) {
        const sr = document.createElement('span');
        sr.className = 'sr first-sr';
        sr.textContent = tr('board.first');
        td.append(sr);
      } else {
        td.querySelector('.first-sr')?.remove();
      }
    }
  }
}

function rowFor(id) {
  let tr0 = tbody.querySelector(`tr[data-id="${CSS.escape(id)}"]`);
  if (tr0) return tr0;
  tr0 = document.createElement('tr');
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
  tbody.append(tr0);
  return tr0;
}

function applyRow(row, highlight = true) {
  const tr0 = rowFor(row.contestant.id);
  tr0.dataset.total = row.total;
  tr0.dataset.penalty = row.penalty || 0;
  tr0.dataset.time = row.time;
  tr0.querySelector('.who').textContent = row.contestant.name;
  tr0.querySelector('.org').textContent = row.contestant.organization;
  tr0.querySelector('.total').textContent = formatScore(row.total);
  const pen = tr0.querySelector('.penalty');
  if (pen) pen.textContent = row.penalty || 0;
  for (const td of tr0.querySelectorAll('td.cell')) fillCell(td, (row.challenges || {})[td.dataset.slug]);
  if (highlight) {
    tr0.classList.remove('changed');
    void tr0.offsetWidth; // restart the highlight animation
    tr0.classList.add('changed');
  }
  return tr0;
}

const num = (tr0, key) => Number(tr0.dataset[key] || 0);

// Same order as the server: total desc, then penalty asc (icpc), then the
// earlier time; equal keys share a rank.
function rerank() {
  const rows = [...tbody.children];
  const before = new Map(rows.map((r) => [r, r.getBoundingClientRect().top]));
  rows.sort((a, b) => num(b, 'total') - num(a, 'total') || num(a, 'penalty') - num(b, 'penalty')
    || num(a, 'time') - num(b, 'time')
    || a.querySelector('.who').textContent.localeCompare(b.querySelector('.who').textContent));
  rows.forEach((r, i) => {
    const prev = rows[i - 1];
    const same = prev && num(prev, 'total') === num(r, 'total') && num(prev, 'penalty') === num(r, 'penalty')
      && num(prev, 'time') === num(r, 'time');
    const rank = same ? prev.querySelector('.rank').textContent : String(i + 1);
    if (r.querySelector('.rank').textContent !== rank) r.querySelector('.rank').textContent = rank;
  });
  tbody.append(...rows);
  markFirst();
  for (const r of rows) {
    const dy = before.get(r) - r.getBoundingClientRect().top;
    if (dy) r.animate([{ transform: `translateY(${dy}px)` }, { transform: 'none' }], { duration: 600, easing: 'ease-out' });
  }
}

// During the reveal every open board shows where the revealed result lands.
function follow(tr0) {
  if (!revealing) return;
  tr0.classList.add('revealed');
  setTimeout(() => tr0.classList.remove('revealed'), 4000);
  pauseScroll(8000);
  tr0.scrollIntoView({ block: 'center', behavior: 'smooth' });
}

async function reload() {
  const q = view === 'public' ? '?view=public' : '';
  const [b, ct] = await Promise.all([
    fetch(`/api/contests/${encodeURIComponent(contest)}/scoreboard${q}`, { credentials: 'same-origin' }).then((r) => r.json()),
    fetch(`/api/contests/${encodeURIComponent(contest)}`, { credentials: 'same-origin' }).then((r) => r.json()),
  ]);
  revealing = Boolean(ct.revealing);
  board.dataset.revealing = revealing ? '1' : '';
  banner.hidden = !b.frozen;
  const keep = new Set();
  for (const row of b.rows || []) keep.add(applyRow(row, false));
  for (const r of [...tbody.children]) if (!keep.has(r)) r.remove();
  rerank();
  return b.event_id;
}

live({
  contest,
  channel: 'board',
  since: board.dataset.event,
  view: view === 'public' ? 'public' : '',
  onEvent(ev) {
    if (ev.type !== 'row') return;
    const tr0 = applyRow(ev.data);
    rerank();
    follow(tr0);
  },
  onReset: () => reload().catch(() => undefined),
});

// Projector: fullscreen and auto-scroll.
const fsButton = document.getElementById('fullscreen');
const fsLabel = fsButton.textContent;
function toggleFullscreen() {
  if (document.fullscreenElement) document.exitFullscreen();
  else document.documentElement.requestFullscreen().catch(() => document.body.classList.toggle('projector'));
}
fsButton.addEventListener('click', toggleFullscreen);
document.addEventListener('fullscreenchange', () => {
  const on = Boolean(document.fullscreenElement);
  document.body.classList.toggle('projector', on);
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
