// Optimizer: start a study through the API, follow its trials on the websocket (typed events), stop it,
// show its results in the page.
import { api, escapeHtml, on } from '/static/js/live.js';
import { showResult } from '/static/js/optimization_view.js';

const form = document.getElementById('optimizer-form');
const progress = document.getElementById('opt-progress');
const errorLine = document.getElementById('opt-error');
const bestLine = document.getElementById('opt-best');
const runButton = document.getElementById('opt-run');
const stopButton = document.getElementById('opt-stop');
let current = null;

function setProgress(done, total) {
  const pct = total ? Math.round((done / total) * 100) : 0;
  progress.querySelector('.bar').style.width = `${pct}%`;
  progress.querySelector('.pct').textContent = `${done} / ${total} trials`;
  progress.dataset.done = String(done);
}

function ended() {
  runButton.disabled = false;
  stopButton.hidden = true;
}

async function advance(data) {
  if (data.id !== current || progress.dataset.over) return;
  setProgress(data.done, data.total);
  if (data.best) {
    const values = Object.entries(data.best.objectives).map(([name, value]) => `${escapeHtml(name)} ${Number(value).toPrecision(4)}`);
    bestLine.innerHTML = `best so far: trial ${data.best.number}, ${values.join(', ')}`;
    bestLine.hidden = false;
  }
  if (data.status === 'running') return;
  progress.dataset.over = data.status;
  ended();
  if (data.status === 'failed') {
    errorLine.textContent = `study failed: ${data.error}`;
    errorLine.hidden = false;
    return;
  }
  showResult(document.getElementById('opt-result'), data.id, await api('GET', `/optimizations/${encodeURIComponent(data.id)}/result`));
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  errorLine.hidden = true;
  bestLine.hidden = true;
  document.getElementById('opt-result').hidden = true;
  const fields = new FormData(form);
  const body = {
    profile: fields.get('profile'),
    data_files: [fields.get('data_file')],
    trials: Number(fields.get('trials')),
    sampler: fields.get('sampler'),
    objectives: [fields.get('objective')],
  };
  if (fields.get('workers')) body.workers = Number(fields.get('workers'));
  if (String(fields.get('space')).trim()) body.space = String(fields.get('space'));
  try {
    runButton.disabled = true;
    progress.hidden = false;
    delete progress.dataset.over;
    setProgress(0, body.trials);
    const run = await api('POST', '/optimizations', body);
    current = run.id;
    progress.dataset.run = run.id;
    stopButton.hidden = false;
    // a study shorter than the round trip may be over already: its state once, then the events
    const state = await api('GET', `/optimizations/${encodeURIComponent(run.id)}`);
    await advance({ ...state, total: state.trials });
  } catch (error) {
    errorLine.textContent = error.message;
    errorLine.hidden = false;
    progress.hidden = true;
    ended();
  }
});

stopButton.addEventListener('click', async () => {
  if (!current) return;
  stopButton.disabled = true;
  try {
    await api('POST', `/optimizations/${encodeURIComponent(current)}/stop`);
  } catch (error) {
    errorLine.textContent = error.message;
    errorLine.hidden = false;
  } finally {
    stopButton.disabled = false;
  }
});

on('optimizer_progress', advance);
