// Behaviour every page shares: ticking countdowns and confirmations on
// forms that change results.

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

startCountdowns();
confirmForms();
