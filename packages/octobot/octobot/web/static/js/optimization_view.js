// A finished optimizer study drawn inside the page: the best trial's figures in and out of sample side
// by side, the best trials table, the link to the HTML report and the form saving the best as a profile.
import { api, escapeHtml, number } from '/static/js/live.js';

const FIGURES = [
  ['profitability_pct', 'profitability %'],
  ['vs_market_pct', 'vs market (points)'],
  ['max_drawdown_pct', 'max drawdown %'],
  ['sharpe', 'Sharpe'],
  ['sortino', 'Sortino'],
  ['calmar', 'Calmar'],
  ['win_rate_pct', 'win rate %'],
  ['trades', 'trades'],
];

function figure(value) {
  return value === null || value === undefined ? '-' : number(value);
}

function sideBySide(best) {
  const train = best.figures.train;
  const test = best.figures.test;
  const rows = FIGURES.map(([key, label]) => `<tr><td>${label}</td><td class="num">${figure(train[key])}</td><td class="num">${test ? figure(test[key]) : '-'}</td></tr>`);
  return `<table class="side-by-side" id="opt-figures"><thead><tr><th>Best trial ${best.number}</th><th class="num">in sample</th><th class="num">out of sample</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function table(result) {
  const { headers, rows } = result.table;
  const head = headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows.map((row) => `<tr>${row.map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}</tr>`).join('');
  return `<table id="opt-trials"><thead><tr>${head}</tr></thead><tbody>${body || `<tr><td colspan="${headers.length}" class="muted">No complete trial.</td></tr>`}</tbody></table>`;
}

export function showResult(holder, runId, result) {
  const best = result.best;
  const states = {};
  for (const trial of result.trials) states[trial.state] = (states[trial.state] || 0) + 1;
  const counts = Object.entries(states).map(([state, count]) => `${count} ${escapeHtml(state)}`).join(', ');
  holder.innerHTML = `
    <h2>Results: ${result.trials.length} trials (${counts})</h2>
    <p><a href="/api/v1/optimizations/${encodeURIComponent(runId)}/report" target="_blank" rel="noopener" id="opt-report-link">HTML report</a> (objective over trials, parameter importance, parallel coordinates, the best run's backtest)</p>
    ${best ? sideBySide(best) : '<p class="muted">No complete trial: see the states above.</p>'}
    <h2>Best trials</h2>
    ${table(result)}
    ${best ? `<form id="save-best-form" class="row-form"><label>Save the best settings as profile <input type="text" name="new_id" id="opt-new-profile" required></label><button type="submit" class="primary">Save</button></form>
    <p class="notice" id="opt-saved" hidden></p><p class="error" id="opt-save-error" hidden></p>` : ''}`;
  const form = holder.querySelector('#save-best-form');
  if (form) {
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const saved = holder.querySelector('#opt-saved');
      const failed = holder.querySelector('#opt-save-error');
      saved.hidden = true;
      failed.hidden = true;
      try {
        const answer = await api('POST', `/optimizations/${encodeURIComponent(runId)}/save-best`, { new_id: new FormData(form).get('new_id') });
        saved.innerHTML = `Saved as profile <a href="/profiles/${encodeURIComponent(answer.profile)}">${escapeHtml(answer.profile)}</a>.`;
        saved.hidden = false;
      } catch (error) {
        failed.textContent = error.message;
        failed.hidden = false;
      }
    });
  }
  holder.hidden = false;
  holder.dataset.ready = '1';
}
