// The trades page counts each new fill from the websocket, and the pages it makes ("page X / Y", the link
// to older trades); the first page (the newest trades) also shows it at the top, its oldest row moving to
// page 2. Older pages stay as they were read: their rows shift only when the reader pages.
import { on, escapeHtml } from '/static/js/live.js';

const table = document.getElementById('trades-table');

function amount(value, places = 8) {
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed.toLocaleString('en-US', { maximumFractionDigits: places }) : '-';
}

const pageSize = table ? Number(table.dataset.pageSize) : 1;

// as the server pages: at least one page, then one per page size of trades
function showPages(total) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  document.getElementById('page-count').textContent = String(pages);
  document.getElementById('older').hidden = Number(table.dataset.page) >= pages;
}

if (table) {
  on('trade', (data) => {
    const trade = data.trade;
    if (table.querySelector(`tr[data-trade-id="${CSS.escape(String(trade.id))}"]`)) return;
    const count = document.getElementById('trade-count');
    const total = Number(count.textContent) + 1;
    count.textContent = String(total);
    showPages(total);
    if (table.dataset.page !== '1') return;
    const empty = table.querySelector('.empty-row');
    if (empty) empty.remove();
    const row = document.createElement('tr');
    row.dataset.tradeId = String(trade.id);
    row.innerHTML = `<td>${new Date(trade.time).toISOString().slice(0, 16).replace('T', ' ')}</td><td>${escapeHtml(trade.symbol)}</td>`
      + `<td class="side-${escapeHtml(trade.side)}">${escapeHtml(trade.side)}</td><td class="num">${amount(trade.amount)}</td>`
      + `<td class="num">${amount(trade.price, 2)}</td><td class="num">${amount(trade.fee.cost)} ${escapeHtml(trade.fee.currency)}</td>`
      + `<td class="num">${amount(trade.realised_pnl, 4)}</td>`;
    table.tBodies[0].prepend(row);
    const rows = table.tBodies[0].rows;
    if (rows.length > pageSize) rows[rows.length - 1].remove();
  });
}
