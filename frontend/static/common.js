// Behaviour every page shares: ticking countdowns, confirmations on forms
// that change results, and the viewer's own time beside the contest's.
import { tr } from './i18n.js';

// Countdowns count from what the server rendered, so a wrong clock on the
// computer does not matter.
function pad(n) {
  return String(n).padStart(2, '0');
}

export function formatDuration(total) {
  const s = Math.max(0, Math.floor(total));
  const d = Math.floor(s / 86400);
  const h = Math.floor(s / 3600) % 24;
  const m = Math.floor(s / 60) % 60;
  const clock = `${h}:${pad(m)}:${pad(s % 60)}`;
  return d > 0 ? `${d}d ${clock}` : clock;
}

function startCountdowns() {
  const timers = [...document.querySelectorAll('time[data-countdown]')].map((el) => ({
    el,
    deadline: performance.now() + Number(el.dataset.remaining || 0) * 1000,
  }));
  if (timers.length === 0) return;
  const tick = () => {
    const now = performance.now();
    for (const t of timers) {
      const left = (t.deadline - now) / 1000;
      const text = left <= 0 ? t.el.dataset.doneText : formatDuration(left);
      if (t.el.textContent !== text) t.el.textContent = text;
    }
  };
  tick();
  setInterval(tick, 1000);
}

function confirmForms() {
  document.addEventListener('submit', (e) => {
    const form = e.target.closest('form[data-confirm]');
    if (form && !window.confirm(form.dataset.confirm)) e.preventDefault();
  });
}

// Times are printed in the contest's zone (<time data-offset>, its offset
// in minutes at that moment); where the browser's zone is at another offset,
// the viewer's own time follows in small print. Rows that arrive live are
// annotated as they are added.
function offsetName(minutes) {
  if (minutes === 0) return 'UTC';
  const sign = minutes < 0 ? '-' : '+';
  const m = Math.abs(minutes);
  return `UTC${sign}${Math.floor(m / 60)}${m % 60 ? `:${pad(m % 60)}` : ''}`;
}

function viewerTime(el) {
  if (el.dataset.viewer) return;
  el.dataset.viewer = '1';
  const at = new Date(el.getAttribute('datetime'));
  if (Number.isNaN(at.getTime())) return;
  const mine = -at.getTimezoneOffset();
  if (mine === Number(el.dataset.offset)) return;
  const text = `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())} ` +
    `${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())} ${offsetName(mine)}`;
  const small = document.createElement('small');
  small.className = 'viewer-time';
  small.textContent = tr('js.your_time', text);
  small.title = Intl.DateTimeFormat().resolvedOptions().timeZone || '';
  el.after(small);
}

function viewerTimes() {
  const all = (root) => root.querySelectorAll('time[data-offset]').forEach(viewerTime);
  all(document);
  new MutationObserver((changes) => {
    for (const c of changes) {
      for (const n of c.addedNodes) {
        if (n.nodeType !== Node.ELEMENT_NODE) continue;
        if (n.matches('time[data-offset]')) viewerTime(n);
        else all(n);
      }
    }
  }).observe(document.body, { childList: true, subtree: true });
}

startCountdowns();
confirmForms();
viewerTimes();
