// Backtesting: start a run through the API, follow its progress on the websocket, show its report in the
// page; compare past runs' equity curves.
import { api, on } from '/static/js/live.js';
import { showReport } from '/static/js/report_view.js';
import { lineChart, lineData } from '/static/js/charts.js';

const form = document.getElementById('backtest-form');
const progress = document.getElementById('bt-progress');
const errorLine = document.getElementById('bt-error');
let current = null;

function setProgress(share) {
  const pct = Math.round(share * 100);
  progress.querySelector('.bar').style.width = `${pct}%`;
  progress.querySelector('.pct').textContent = `${pct} %`;
  progress.dataset.progress = String(pct);
}

async function advance(data) {
  if (data.id !== current || progress.dataset.done) return;
  setProgress(data.progress);
  if (data.status === 'failed') {
    progress.dataset.done = '1';
    errorLine.textContent = `backtest failed: ${data.error}`;
    errorLine.hidden = false;
    document.getElementById('bt-run').disabled = false;
  } else if (data.status === 'done') {
    progress.dataset.done = '1';
    setProgress(1);
    showReport(document.getElementById('bt-report'), await api('GET', `/backtests/${data.id}/result`));
    document.getElementById('bt-run').disabled = false;
  }
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  errorLine.hidden = true;
  const fields = new FormData(form);
  const body = { profile: fields.get('profile'), data_files: [fields.get('data_file')] };
  if (fields.get('start')) body.start = fields.get('start');
  if (fields.get('end')) body.end = fields.get('end');
  try {
    document.getElementById('bt-run').disabled = true;
    progress.hidden = false;
    delete progress.dataset.done;
    setProgress(0);
    const run = await api('POST', '/backtests', body);
    current = run.id;
    progress.dataset.run = run.id;
    // a run shorter than the round trip may be over already: its state once, then the events
    const state = await api('GET', `/backtests/${run.id}`);
    if (state.status !== 'running') await advance(state);
  } catch (error) {
    errorLine.textContent = error.message;
    errorLine.hidden = false;
    progress.hidden = true;
    document.getElementById('bt-run').disabled = false;
  }
});

on('backtest_progress', advance);

const compareForm = document.getElementById('compare-form');
compareForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const ids = [...compareForm.querySelectorAll('input[name=compare]:checked')].map((box) => box.value);
  if (!ids.length) return;
  const holder = document.getElementById('compare-chart');
  holder.hidden = false;
  holder.innerHTML = '';
  const colors = ['#2f80ed', '#1e9e6a', '#c98a0b', '#8e44ad', '#d64545'];
  const results = await Promise.all(ids.map((id) => api('GET', `/backtests/${id}/result`)));
  const chart = lineChart(holder, ids.map((id, i) => ({ color: colors[i % colors.length], title: id })));
  results.forEach((figures, i) => {
    const first = figures.equity.length ? Number(figures.equity[0][1]) : 1;
    chart.series[i].setData(lineData(figures.equity.map(([t, v]) => [t, (Number(v) / first - 1) * 100])));
  });
  chart.chart.timeScale().fitContent();
});
