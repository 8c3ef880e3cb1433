// The submit form: the language list and the quota follow the chosen
// challenge; the text area is off while a file is chosen.
const challenge = document.getElementById('challenge');
const language = document.getElementById('language');
const file = document.getElementById('file');
const code = document.getElementById('code');

function update() {
  const opt = challenge.selectedOptions[0];
  if (!opt) return;
  const langs = (opt.dataset.languages || '').split(' ').filter(Boolean);
  const current = language.value;
  if ([...language.options].map((o) => o.value).join(' ') !== langs.join(' ')) {
    language.replaceChildren(...langs.map((l) => new Option(l, l, false, l === current)));
  }
  for (const q of document.querySelectorAll('[data-quota-for]')) q.hidden = q.dataset.quotaFor !== challenge.value;
}

if (challenge && language) {
  challenge.addEventListener('change', update);
  update();
}
if (file && code) {
  file.addEventListener('change', () => {
    code.disabled = file.files.length > 0;
  });
}
