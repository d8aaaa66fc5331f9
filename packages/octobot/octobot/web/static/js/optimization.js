// One optimizer study's page: its results, once it is over.
import { api } from '/static/js/live.js';
import { showResult } from '/static/js/optimization_view.js';

const holder = document.getElementById('opt-result');
if (holder && ['done', 'stopped'].includes(holder.dataset.status)) {
  const runId = holder.dataset.run;
  showResult(holder, runId, await api('GET', `/optimizations/${encodeURIComponent(runId)}/result`));
}
