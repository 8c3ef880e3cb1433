// The login slips after an import: download them as CSV (UTF-8 with a BOM,
// as Excel wants) or print them. They exist only in this page.
const table = document.getElementById('slip-table');
const download = document.getElementById('slips-download');
const print = document.getElementById('slips-print');

function csvCell(s) {
  // A leading = + - @ would make a spreadsheet formula.
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

if (table && download) {
  const header = [...table.querySelectorAll('thead th')].map((th) => th.dataset.csv);
  const rows = [...table.querySelectorAll('tbody tr')].map((tr) => [...tr.children].map((td) => td.textContent.trim()));
  const text = [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
  download.href = URL.createObjectURL(new Blob(['\ufeff', text], { type: 'text/csv;charset=utf-8' }));
}
if (print) print.addEventListener('click', () => window.print());
