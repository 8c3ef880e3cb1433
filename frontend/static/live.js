// The live connection of a page: one contest channel over a websocket,
// resuming from the last event id after a drop, and fetching server-rendered
// fragments to put into the page.

// live connects to /ws/contests/{contest}/{channel} and calls onEvent with
// every message. onReset is called when the server says the client must
// reload its state; it may return a new event id to resume from.
export function live({ contest, channel, since, view, onEvent, onReset }) {
  const status = document.querySelector('.live-status');
  let last = since || '';
  let backoff = 500;
  const setStatus = (ok) => {
    if (!status) return;
    const text = ok ? status.dataset.live : status.dataset.offline;
    if (status.textContent !== text) status.textContent = text;
    status.classList.toggle('offline', !ok);
  };
  const connect = () => {
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const q = new URLSearchParams();
    if (last) q.set('since', last);
    if (view) q.set('view', view);
    const ws = new WebSocket(`${proto}//${location.host}/ws/contests/${encodeURIComponent(contest)}/${channel}?${q}`);
    ws.onopen = () => {
      backoff = 500;
      setStatus(true);
    };
    ws.onmessage = async (msg) => {
      let ev;
      try {
        ev = JSON.parse(msg.data);
      } catch {
        return;
      }
      if (ev.type === 'reset') {
        // A reset naming our own last id means we fell too far behind:
        // resuming from it again would loop, so take the id onReset gives.
        const tooOld = ev.id === last;
        const next = onReset ? await onReset(ev) : undefined;
        if (next) last = next;
        else if (tooOld) last = '';
        else last = ev.id;
        return;
      }
      if (ev.id) last = ev.id;
      onEvent(ev);
    };
    ws.onclose = () => {
      setStatus(false);
      setTimeout(connect, backoff);
      backoff = Math.min(backoff * 2, 10000);
    };
  };
  connect();
}

// fragment fetches a server-rendered piece of a page and returns its first
// element, or null when the server has nothing to show (204).
export async function fragment(url) {
  const resp = await fetch(url, { credentials: 'same-origin', headers: { Accept: 'text/html' } });
  if (resp.status === 204 || !resp.ok) return null;
  const tpl = document.createElement('template');
  tpl.innerHTML = (await resp.text()).trim();
  return tpl.content.firstElementChild;
}

// coalesce runs fn(key) at most once at a time per key, and once more if
// asked again meanwhile: a burst of events for one submission makes one or
// two fetches, never a pile.
export function coalesce(fn) {
  const running = new Map();
  const run = async (key) => {
    if (running.has(key)) {
      running.set(key, true);
      return;
    }
    running.set(key, false);
    try {
      await fn(key);
    } finally {
      const again = running.get(key);
      running.delete(key);
      if (again) run(key);
    }
  };
  return run;
}

// containsFocus reports whether the user is working inside el.
export function containsFocus(el) {
  return el.contains(document.activeElement) && document.activeElement !== document.body;
}
