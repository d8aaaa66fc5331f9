// Data: start a collection through the API and follow its progress on the websocket.
import { api, on } from '/static/js/live.js';

const form = document.getElementById('collect-form');
const progress = document.getElementById('collect-progress');
const errorLine = document.getElementById('collect-error');
let current = null;
const list = (text) => text.split(',').map((part) => part.trim()).filter(Boolean);

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  errorLine.hidden = true;
  const fields = new FormData(form);
  const body = { exchange: fields.get('exchange'), symbols: list(fields.get('symbols')), time_frames: list(fields.get('time_frames')), start: fields.get('start') };
  if (fields.get('end')) body.end = fields.get('end');
  if (fields.get('name')) body.name = fields.get('name');
  try {
    const run = await api('POST', '/data/collect', body);
    current = run.id;
    progress.hidden = false;
  } catch (error) {
    errorLine.textContent = error.message;
    errorLine.hidden = false;
  }
});

on('collect_progress', (data) => {
  if (data.id !== current) return;
  const pct = Math.round(data.progress * 100);
  progress.querySelector('.bar').style.width = `${pct}%`;
  progress.querySelector('.pct').textContent = data.status === 'failed' ? 'failed' : `${pct} %`;
  if (data.status === 'failed') { errorLine.textContent = data.error; errorLine.hidden = false; }
  if (data.status === 'done') setTimeout(() => location.reload(), 500);
});
