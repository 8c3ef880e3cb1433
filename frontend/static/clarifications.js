// Clarifications and announcements, live: a new question, answer or
// announcement is rendered by the server and put at its place in the list.
// An item the user is typing in is left alone until they are done.
import { live, fragment, coalesce, containsFocus } from './live.js';

const list = document.getElementById('clar-list');
if (list) {
  const empty = document.getElementById('clar-empty');
  const refresh = coalesce(async (id) => {
    const item = await fragment(list.dataset.fragment + encodeURIComponent(id));
    if (!item) return;
    const old = list.querySelector(`li[data-id="${CSS.escape(String(id))}"]`);
    if (old && containsFocus(old)) {
      old.classList.add('stale');
      return;
    }
    // The jury's "unanswered" view drops what has been answered.
    if (list.dataset.only === 'open' && !item.classList.contains('open')) {
      if (old) old.remove();
      empty.hidden = list.querySelector('li') !== null;
      return;
    }
    if (old) old.replaceWith(item);
    else list.prepend(item);
    item.classList.add('changed');
    empty.hidden = true;
  });
  live({
    contest: list.dataset.contest,
    channel: 'clarifications',
    since: list.dataset.event,
    onEvent(ev) {
      if (ev.data && ev.data.id) refresh(ev.data.id);
    },
  });
}
