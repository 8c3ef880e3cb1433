// Translations for the browser modules: the page carries the ones they
// need as JSON in <script type="application/json" id="i18n">.
let messages = null;

function load() {
  if (messages === null) {
    const el = document.getElementById('i18n');
    try {
      messages = el ? JSON.parse(el.textContent) : {};
    } catch {
      messages = {};
    }
  }
  return messages;
}

// tr translates key and fills %d / %s in order with args.
export function tr(key, ...args) {
  const text = load()[key] ?? key;
  let i = 0;
  return text.replace(/%[ds]/g, () => String(args[i++] ?? ''));
}
