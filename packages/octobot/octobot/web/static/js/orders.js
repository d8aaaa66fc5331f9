// The orders page reloads itself when an order changes (a fill, a cancel from elsewhere): the server
// renders the table; the websocket only says when.
import { on } from '/static/js/live.js';

let pending = null;
on('order', () => {
  if (pending) return;
  pending = setTimeout(() => { location.reload(); }, 300);
});
