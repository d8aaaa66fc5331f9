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
  document.getElementById('collect-done').hidden = true;
  delete progress.dataset.done;
  const fields = new FormData(form);
  const body = { exchange: fields.get('exchange'), symbols: list(fields.get('symbols')), time_frames: list(fields.get('time_frames')), start: fields.get('start') };
  if (fields.get('end')) body.end = fields.get('end');
  if (fields.get('name')) body.name = fields.get('name');
  try {
    const run = await api('POST', '/data/collect', body);
    current = run.id;
    progress.hidden = false;
    // a collection shorter than the round trip may be over already: its state once, then the events
    const state = await api('GET', `/collects/${run.id}`);
    if (state.status !== 'running') advance(state);
  } catch (error) {
    errorLine.textContent = error.message;
    errorLine.hidden = false;
  }
});

function advance(data) {
  if (data.id !== current || progress.dataset.done) return;
  const pct = Math.round(data.progress * 100);
  progress.querySelector('.bar').style.width = `${pct}%`;
  progress.querySelector('.pct').textContent = data.status === 'failed' ? 'failed' : `${pct} %`;
  if (data.status === 'failed') { errorLine.textContent = data.error; errorLine.hidden = false; }
  progress.dataset.progress = String(pct);
  progress.dataset.steps = String(Number(progress.dataset.steps || '0') + 1);
  if (data.status === 'done') {
    // said on the page, with a link to the new file (no reload: the reader may be reading the list)
    const total = data.series.reduce((sum, series) => sum + series.candles, 0);
    const done = document.getElementById('collect-done');
    const link = done.querySelector('a');
    link.textContent = data.file;
    link.href = `/data/${encodeURIComponent(data.file)}`;
    done.querySelector('.count').textContent = String(total);
    done.hidden = false;
  }
  if (data.status !== 'running') progress.dataset.done = '1';
}

on('collect_progress', advance);
