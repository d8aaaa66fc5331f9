// The orders page follows the bot's orders from the websocket: a new open order gets its row, a filled or
// cancelled one loses it. The table is changed in place (a reload would replace the page under the
// reader, and under a test reading it).
import { on, csrfToken, escapeHtml } from '/static/js/live.js';

const table = document.getElementById('orders-table');
const OPEN = new Set(['open', 'pending']);

function amount(value, places = 8) {
  if (value === null || value === undefined || value === '') return '-';
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) return escapeHtml(value);
  return parsed.toLocaleString('en-US', { maximumFractionDigits: places });
}

function when(ms) {
  return ms ? new Date(ms).toISOString().slice(0, 16).replace('T', ' ') : '-';
}

function rowHtml(order) {
  const id = escapeHtml(order.id);
  return `<td>${escapeHtml(order.symbol)}</td><td class="side-${escapeHtml(order.side)}">${escapeHtml(order.side)}</td>`
    + `<td>${escapeHtml(order.kind)}</td><td class="num">${amount(order.amount)}</td><td class="num">${amount(order.price)}</td>`
    + `<td>${escapeHtml(order.status)}</td><td>${when(order.created_at)}</td>`
    + '<td><form method="post" action="/orders/cancel" class="inline">'
    + `<input type="hidden" name="csrf_token" value="${escapeHtml(csrfToken())}"><input type="hidden" name="order_id" value="${id}">`
    + '<button class="small danger cancel-order">Cancel</button></form></td>';
}

function refreshCount() {
  const rows = table.querySelectorAll('tr[data-order-id]');
  document.getElementById('order-count').textContent = String(rows.length);
  document.getElementById('cancel-all').disabled = rows.length === 0;
  const empty = table.querySelector('.empty-row');
  if (rows.length && empty) empty.remove();
  if (!rows.length && !empty) {
    table.tBodies[0].insertAdjacentHTML('beforeend', '<tr class="empty-row"><td colspan="8" class="muted">No open order.</td></tr>');
  }
}

if (table) {
  on('order', (data) => {
    const order = data.order;
    const existing = table.querySelector(`tr[data-order-id="${CSS.escape(String(order.id))}"]`);
    if (!OPEN.has(order.status)) {
      if (existing) existing.remove();
    } else if (existing) {
      existing.innerHTML = rowHtml(order);
    } else {
      const row = document.createElement('tr');
      row.dataset.orderId = String(order.id);
      row.innerHTML = rowHtml(order);
      table.tBodies[0].prepend(row);
    }
    refreshCount();
    table.dataset.updated = String(Number(table.dataset.updated || '0') + 1);
  });
}
