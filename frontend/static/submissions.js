// Submissions, live: the list (own, or the jury's feed with its filters)
// and one submission's page. Each event names a submission; the server
// renders its row or its detail again, so what appears is exactly what a
// reload would show.
import { live, fragment, coalesce } from './live.js';

const list = document.getElementById('subs');
const detail = document.getElementById('sub-live');

if (list) {
  const tbody = () => document.getElementById('sub-rows');
  const empty = document.getElementById('subs-empty');
  const filter = list.dataset.filter ? `&${list.dataset.filter}` : '';
  const refresh = coalesce(async (sid) => {
    const row = await fragment(`/submissions/${encodeURIComponent(sid)}?fragment=row${filter}`);
    const old = tbody().querySelector(`tr[data-id="${CSS.escape(sid)}"]`);
    if (!row) {
      if (old) old.remove();
      return;
    }
    if (old) old.replaceWith(row);
    else tbody().prepend(row);
    row.classList.add('changed');
    empty.hidden = true;
  });
  live({
    contest: list.dataset.contest,
    channel: list.dataset.channel,
    since: list.dataset.event,
    onEvent(ev) {
      if (ev.data && ev.data.id) refresh(ev.data.id);
    },
    async onReset() {
      const url = new URL(location.href);
      url.searchParams.set('fragment', 'rows');
      const rows = await fragment(url.toString());
      if (rows) tbody().replaceWith(rows);
    },
  });
}

if (detail) {
  const sid = detail.dataset.sid;
  const refresh = coalesce(async () => {
    const part = await fragment(`/submissions/${encodeURIComponent(sid)}?fragment=detail`);
    if (!part) return;
    document.getElementById('sub-detail').replaceWith(part);
    if (part.dataset.status === 'done') clearNotice();
  });
  // The confirmation that said the verdict would come is stale once it has:
  // it goes, and a reload does not bring it back.
  const clearNotice = () => {
    for (const n of document.querySelectorAll('main > .notice')) n.remove();
    const url = new URL(location.href);
    if (url.searchParams.has('ok')) {
      url.searchParams.delete('ok');
      history.replaceState(history.state, '', url);
    }
  };
  if (document.getElementById('sub-detail')?.dataset.status === 'done') clearNotice();
  live({
    contest: detail.dataset.contest,
    channel: detail.dataset.channel,
    since: detail.dataset.event,
    onEvent(ev) {
      if (ev.data && ev.data.id === sid) refresh(sid);
    },
    onReset: () => refresh(sid),
  });
}
