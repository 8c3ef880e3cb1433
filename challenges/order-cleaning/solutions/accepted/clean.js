// Cleans the orders in JavaScript (Node.js), amounts in integer cents.
const fs = require('fs');

function parseCSV(text) {
  const rows = [];
  let row = [], field = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(field); field = ''; }
    else if (ch === '\n') { row.push(field.replace(/\r$/, '')); rows.push(row); row = []; field = ''; }
    else field += ch;
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  return rows;
}

const city = new Map(parseCSV(fs.readFileSync('city_aliases.csv', 'utf8')).slice(1).map(([a, c]) => [a, c]));
const formats = [
  [/^(\d{4})-(\d{1,2})-(\d{1,2})$/, [1, 2, 3]],
  [/^(\d{4})\/(\d{1,2})\/(\d{1,2})$/, [1, 2, 3]],
  [/^(\d{1,2})\.(\d{1,2})\.(\d{4})$/, [3, 2, 1]],
  [/^(\d{4})(\d{2})(\d{2})$/, [1, 2, 3]],
  [/^(\d{4})年(\d{1,2})月(\d{1,2})日$/, [1, 2, 3]],
];

function date(s) {
  s = s.trim();
  for (const [re, [y, m, d]] of formats) {
    const x = re.exec(s);
    if (!x) continue;
    const Y = +x[y], M = +x[m], D = +x[d];
    const t = new Date(Date.UTC(Y, M - 1, D));
    if (t.getUTCFullYear() !== Y || t.getUTCMonth() !== M - 1 || t.getUTCDate() !== D) return null;
    return `${Y}-${String(M).padStart(2, '0')}-${String(D).padStart(2, '0')}`;
  }
  return null;
}

function cents(s) {
  s = s.trim().replace(/^[¥￥]/, '').replace(/,/g, '');
  const x = /^(\d+)(?:\.(\d{1,2}))?$/.exec(s);
  if (!x) return null;
  const c = Number(x[1]) * 100 + Number((x[2] || '').padEnd(2, '0'));
  return c > 0 ? c : null;
}

const money = (c) => `${Math.floor(c / 100)}.${String(c % 100).padStart(2, '0')}`;
const seen = new Set();
const out = [];
for (const [rawId, rawDate, rawCity, rawQty, rawPrice] of parseCSV(fs.readFileSync(0, 'utf8')).slice(1)) {
  const id = rawId.trim();
  if (seen.has(id)) continue;
  seen.add(id);
  const d = date(rawDate), c = city.get(rawCity.trim().toLowerCase()), p = cents(rawPrice);
  const q = /^\d+$/.test(rawQty.trim()) ? Number(rawQty.trim()) : 0;
  if (!d || !c || !p || q <= 0) continue;
  out.push([Number(id), [id, d, c, q, money(p), money(p * q)]]);
}
out.sort((a, b) => a[0] - b[0]);
const lines = ['order_id,order_date,city,quantity,unit_price,amount', ...out.map(([, r]) => r.join(','))];
process.stdout.write(lines.join('\n') + '\n');
