import { on, escapeHtml } from '/static/js/live.js';

function prepend(list, html) {
  const none = list.querySelector('.none');
  if (none) none.remove();
  list.insertAdjacentHTML('afterbegin', html);
  while (list.children.length > 300) list.lastElementChild.remove();
}
const time = (ms) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
on('log', (data) => prepend(document.getElementById('logs'),
  `<li class="level-${escapeHtml(data.level)}"><span class="time">${time(data.time)}</span> <b>${escapeHtml(data.level)}</b> ${escapeHtml(data.logger)}: ${escapeHtml(data.text)}</li>`));
on('notification', (data, event) => prepend(document.getElementById('notifications'),
  `<li class="notification"><span class="time">${time(event.time)}</span> <b>${escapeHtml(data.title)}</b> ${escapeHtml(data.text)}</li>`));
