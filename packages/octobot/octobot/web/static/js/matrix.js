import { on } from '/static/js/live.js';

on('evaluation', (data) => {
  const key = `${data.exchange}|${data.evaluator}|${data.symbol}|${data.time_frame || ''}`;
  const row = document.querySelector(`tr[data-key="${CSS.escape(key)}"]`);
  if (!row) return;
  row.querySelector('.eval').textContent = data.value === null ? '' : Number(data.value).toFixed(3);
  row.querySelector('.at').textContent = data.time ? new Date(data.time).toISOString().slice(0, 16).replace('T', ' ') : '';
});
