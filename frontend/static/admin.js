// The dashboard's queue figures, refreshed every few seconds.
import { formatDuration } from './common.js';

const dash = document.getElementById('dashboard');

function set(id, value) {
  const el = document.getElementById(id);
  if (el && el.textContent !== String(value)) el.textContent = String(value);
}

async function refresh() {
  try {
    const resp = await fetch('/api/queue', { credentials: 'same-origin' });
    if (!resp.ok) return;
    const q = await resp.json();
    const jobs = q.jobs || [];
    const busy = new Set();
    let waiting = 0;
    let grading = 0;
    let oldest = 0;
    for (const j of jobs) {
      if (j.worker) {
        grading++;
        busy.add(j.worker);
      } else {
        waiting++;
        oldest = Math.max(oldest, (j.waiting_ms || 0) / 1000);
      }
    }
    set('q-waiting', waiting);
    set('q-grading', grading);
    set('q-busy', busy.size);
    set('q-oldest', formatDuration(oldest));
    if (Array.isArray(q.workers)) set('q-online', q.workers.length);
  } catch {
    // Offline for a moment: the next round tries again.
  }
}

if (dash) setInterval(refresh, 5000);
