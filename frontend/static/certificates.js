// The certificate screen: checks a national certificate number while it is
// typed (one capital letter and 21 digits) and says what is wrong. The
// server checks it again when the form is sent.
import { tr } from './i18n.js';

const national = /^[A-Z][0-9]{21}$/;

function check(input) {
  const out = document.getElementById(`${input.id}-check`);
  if (!out) return;
  const v = input.value.trim();
  let text = '';
  let bad = false;
  if (v !== '') {
    const n = [...v].length;
    if (national.test(v)) {
      text = tr('js.cert_agency_ok');
    } else if (n !== 22) {
      text = tr('js.cert_agency_length', n);
      bad = n > 22;
    } else {
      text = tr('js.cert_agency_format');
      bad = true;
    }
  }
  if (out.textContent !== text) out.textContent = text;
  out.classList.toggle('bad', bad);
  out.classList.toggle('good', v !== '' && !bad && national.test(v));
  if (bad) input.setAttribute('aria-invalid', 'true');
  else input.removeAttribute('aria-invalid');
}

for (const input of document.querySelectorAll('input[data-national]')) {
  input.addEventListener('input', () => check(input));
  // A number the server refused keeps its message until it is changed.
  if (input.getAttribute('aria-invalid') !== 'true') check(input);
}

// A wrong number on blur is marked, not only one that is too long.
document.addEventListener('focusout', (e) => {
  const input = e.target;
  if (!(input instanceof HTMLInputElement) || !input.matches('input[data-national]')) return;
  const v = input.value.trim();
  const out = document.getElementById(`${input.id}-check`);
  if (v !== '' && !national.test(v) && out) {
    out.classList.add('bad');
    input.setAttribute('aria-invalid', 'true');
  }
});
