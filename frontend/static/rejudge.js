// A rejudge's preview fills in while its submissions are graded again.
import { fragment } from './live.js';

async function poll() {
  const table = document.getElementById('rejudge-table');
  if (!table || table.dataset.state !== 'running') return;
  if (table.contains(document.activeElement)) {
    setTimeout(poll, 2000);
    return;
  }
  const next = await fragment(`${location.pathname}?fragment=table`).catch(() => null);
  if (next && next.outerHTML !== table.outerHTML) table.replaceWith(next);
  setTimeout(poll, 2000);
}

setTimeout(poll, 2000);
