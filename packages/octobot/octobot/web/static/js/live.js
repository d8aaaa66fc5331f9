// The page's link to the interface: one websocket carrying typed events, and JSON calls with the CSRF header.
const handlers = new Map();
let socket = null;

export function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : '';
}

export async function api(method, path, body) {
  const options = { method, headers: { 'X-CSRF-Token': csrfToken() }, credentials: 'same-origin' };
  if (body !== undefined) {
    options.headers['Content-Type'] = 'application/json';
    options.body = JSON.stringify(body);
  }
  const response = await fetch(`/api/v1${path}`, options);
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new Error(data.message || `${response.status} ${response.statusText}`);
    error.fields = data.fields || {};
    throw error;
  }
  return data;
}

export function on(type, handler) {
  if (!handlers.has(type)) handlers.set(type, []);
  handlers.get(type).push(handler);
  if (socket && socket.readyState === WebSocket.OPEN) subscribe();
}

function subscribe() {
  socket.send(JSON.stringify({ type: 'subscribe', data: [...handlers.keys()] }));
}

function setState(text, live) {
  const pill = document.getElementById('ws-state');
  if (!pill) return;
  pill.textContent = text;
  pill.className = `pill ${live ? 'pill-green' : 'pill-grey'}`;
}

function connect() {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  socket = new WebSocket(`${scheme}://${location.host}/api/v1/ws`);
  socket.addEventListener('open', () => { subscribe(); });
  socket.addEventListener('message', (message) => {
    const event = JSON.parse(message.data);
    // live once the server confirms every type the page listens to: an event sent before that is lost
    if (event.type === 'subscribed') {
      if ([...handlers.keys()].every((type) => event.data.includes(type))) {
        setState('live', true);
        document.body.dataset.live = '1';
      }
      return;
    }
    for (const handler of handlers.get(event.type) || []) {
      try { handler(event.data, event); } catch (error) { console.error(error); }
    }
  });
  // reconnects after a restart of the server; no polling while connected
  socket.addEventListener('close', () => { setState('offline', false); document.body.dataset.live = ''; setTimeout(connect, 2000); });
}

export function seconds(ms) { return Math.floor(ms / 1000); }
export function number(value, digits = 2) {
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed.toLocaleString(undefined, { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '-';
}
export function escapeHtml(text) {
  return String(text ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

connect();
