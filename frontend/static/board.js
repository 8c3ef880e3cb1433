// Live board: applies each row change pushed over the websocket, re-ranks,
// and resumes from the last event id after a reconnect.
const main = document.getElementById('board');
const tbody = document.getElementById('board-rows');
const status = document.getElementById('board-status');
const contest = main.dataset.contest;
const slugs = [...document.querySelectorAll('th.challenge')].map((th) => th.dataset.slug);
let lastEvent = main.dataset.event;
let backoff = 500;

function cellClass(c) {
  let cls = 'cell';
  if (c.pending > 0) cls += ' pending';
  else if (c.solved) cls += ' solved';
  else if (c.score > 0) cls += ' partial';
  else if (c.attempts > 0) cls += ' tried';
  if (c.first) cls += ' first';
  return cls;
}

function rowFor(id) {
  let tr = tbody.querySelector(`tr[data-id="${CSS.escape(id)}"]`);
  if (tr) return tr;
  tr = document.createElement('tr');
  tr.dataset.id = id;
  for (const cls of ['rank', 'who', 'org', 'total']) {
    const td = document.createElement('td');
    td.className = cls;
    tr.append(td);
  }
  for (const slug of slugs) {
    const td = document.createElement('td');
    td.className = 'cell';
    td.dataset.slug = slug;
    tr.append(td);
  }
  tbody.append(tr);
  return tr;
}

function applyRow(row) {
  const tr = rowFor(row.contestant.id);
  tr.dataset.total = row.total;
  tr.dataset.penalty = row.penalty || 0;
  tr.dataset.time = row.time;
  tr.querySelector('.who').textContent = row.contestant.name;
  tr.querySelector('.org').textContent = row.contestant.organization;
  tr.querySelector('.total').textContent = row.total;
  for (const td of tr.querySelectorAll('td.cell')) {
    const c = row.challenges[td.dataset.slug];
    td.replaceChildren();
    td.className = 'cell';
    if (!c || c.attempts === 0) continue;
    td.className = cellClass(c);
    const score = document.createElement('span');
    score.className = 'score';
    score.textContent = c.score;
    const tries = document.createElement('small');
    tries.textContent = c.attempts;
    td.append(score, tries);
  }
  tr.classList.remove('changed');
  void tr.offsetWidth; // restart the highlight animation
  tr.classList.add('changed');
}

function num(tr, key) {
  const v = tr.dataset[key];
  if (v !== undefined) return Number(v);
  return key === 'total' ? Number(tr.querySelector('.total').textContent) : 0;
}

// Same order as the server: total desc, time asc; equal keys share a rank.
function rerank() {
  const rows = [...tbody.children];
  const before = new Map(rows.map((tr) => [tr, tr.getBoundingClientRect().top]));
  rows.sort((a, b) => num(b, 'total') - num(a, 'total') || num(a, 'penalty') - num(b, 'penalty') || num(a, 'time') - num(b, 'time')
    || a.querySelector('.who').textContent.localeCompare(b.querySelector('.who').textContent));
  rows.forEach((tr, i) => {
    const prev = rows[i - 1];
    const same = prev && num(prev, 'total') === num(tr, 'total') && num(prev, 'penalty') === num(tr, 'penalty')
      && num(prev, 'time') === num(tr, 'time');
    tr.querySelector('.rank').textContent = same ? prev.querySelector('.rank').textContent : String(i + 1);
  });
  tbody.append(...rows);
  for (const tr of rows) {
    const dy = before.get(tr) - tr.getBoundingClientRect().top;
    if (dy) tr.animate([{ transform: `translateY(${dy}px)` }, { transform: 'none' }], { duration: 400, easing: 'ease-out' });
  }
}

function connect() {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const ws = new WebSocket(`${proto}//${location.host}/ws/contests/${encodeURIComponent(contest)}/board?since=${encodeURIComponent(lastEvent)}`);
  ws.onopen = () => {
    backoff = 500;
    status.textContent = status.dataset.live;
    status.classList.remove('offline');
  };
  ws.onmessage = (msg) => {
    const ev = JSON.parse(msg.data);
    if (ev.type === 'reset') {
      location.reload();
      return;
    }
    lastEvent = ev.id;
    if (ev.type === 'row') {
      applyRow(ev.data);
      rerank();
    }
  };
  ws.onclose = () => {
    status.textContent = status.dataset.offline;
    status.classList.add('offline');
    setTimeout(connect, backoff);
    backoff = Math.min(backoff * 2, 10000);
  };
}

connect();
