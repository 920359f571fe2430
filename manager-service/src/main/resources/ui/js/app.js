// The shell: navigation, the token field, the time bar (slider and date-time field over the log's span,
// the projection check) and the one event stream every view listens to.

import { EventFollower, get, post, setToken, token } from './api.js';
import { clear, el, formatInstant, fromLocalInput, toLocalInput } from './dom.js';
import { app } from './state.js';
import * as tasks from './tasks.js';
import * as task from './task.js';
import * as workers from './workers.js';
import * as deadLetters from './dead-letters.js';

const routes = [
  { pattern: /^#\/tasks\/([^/]+)$/, view: task, nav: 'tasks' },
  { pattern: /^#\/workers$/, view: workers, nav: 'workers' },
  { pattern: /^#\/dead-letters$/, view: deadLetters, nav: 'dead-letters' },
  { pattern: /^(#\/tasks)?$/, view: tasks, nav: 'tasks' },
];

let mounted = null;

function route() {
  if (mounted && mounted.unmount) {
    mounted.unmount();
  }
  const hash = location.hash || '';
  const found = routes.find((r) => r.pattern.test(hash)) || routes[routes.length - 1];
  const match = hash.match(found.pattern) || [];
  document.querySelectorAll('nav a').forEach((a) => a.classList.toggle('active', a.dataset.nav === found.nav));
  const root = document.getElementById('view');
  clear(root);
  mounted = found.view.mount(root, ...match.slice(1).map(decodeURIComponent));
}

// ---- the time bar ----

const slider = () => document.getElementById('slider');
const instantField = () => document.getElementById('instant');

function spanNow() {
  const to = new Date();
  const from = app.span.from ? new Date(app.span.from.getTime() - 1000) : new Date(to.getTime() - 60_000);
  return { from, to };
}

function renderTimeBar() {
  const bar = document.getElementById('timebar');
  const range = slider();
  if (app.asOf === null) {
    const { from, to } = spanNow();
    app.span.to = to;
    range.min = String(from.getTime());
    range.max = String(to.getTime());
    range.value = range.max;
    bar.classList.remove('travelling');
    document.getElementById('asof-label').textContent = 'now (live)';
    if (document.activeElement !== instantField()) {
      instantField().value = '';
    }
  } else {
    range.value = String(app.asOf.getTime());
    bar.classList.add('travelling');
    document.getElementById('asof-label').textContent = `as of ${formatInstant(app.asOf)}`;
    if (document.activeElement !== instantField()) {
      instantField().value = toLocalInput(app.asOf);
    }
  }
  document.getElementById('span-from').textContent = formatInstant(new Date(Number(range.min)));
}

function setUpTimeBar() {
  const range = slider();
  app.onTime(renderTimeBar);
  app.spanListeners.add(renderTimeBar);
  let pending = null;
  const apply = () => {
    clearTimeout(pending);
    const value = Number(range.value);
    app.travel(value >= Number(range.max) ? null : new Date(value));
  };
  range.addEventListener('input', () => {
    const value = Number(range.value);
    document.getElementById('asof-label').textContent = value >= Number(range.max) ? 'now (live)' : `as of ${formatInstant(new Date(value))}`;
    clearTimeout(pending);
    pending = setTimeout(apply, 300);
  });
  range.addEventListener('change', apply);
  instantField().addEventListener('change', () => {
    const at = fromLocalInput(instantField().value);
    if (at) {
      app.travel(at > new Date() ? null : at);
    }
  });
  document.getElementById('live').addEventListener('click', () => app.travel(null));
  document.getElementById('verify').addEventListener('click', verify);
  setInterval(() => {
    if (app.asOf === null && document.activeElement !== range) {
      renderTimeBar();
    }
  }, 1000);
  renderTimeBar();
}

async function verify() {
  const button = document.getElementById('verify');
  const verdict = document.getElementById('verdict');
  button.disabled = true;
  clear(verdict);
  verdict.className = 'verdict running';
  verdict.append('checking: folding the whole log again…');
  try {
    const report = await post('/api/v1/projection/verify');
    clear(verdict);
    verdict.className = `verdict ${report.equal ? 'equal' : 'different'}`;
    if (report.equal) {
      verdict.append(`✓ Equal: the projection rebuilt from ${report.events} events equals the live one (${report.rebuiltTasks} tasks, ${report.millis} ms)`);
    } else {
      verdict.append(`✗ Different: ${report.differences.length} difference(s) between the live projection (${report.liveTasks} tasks) `
        + `and the log's fold (${report.rebuiltTasks} tasks)`);
      const table = el('table', { class: 'differences' },
        el('tr', {}, el('th', {}, 'task'), el('th', {}, 'field'), el('th', {}, 'live'), el('th', {}, 'rebuilt')),
        ...report.differences.slice(0, 50).map((d) => el('tr', {}, el('td', {}, d.task), el('td', {}, d.field), el('td', {}, d.live),
          el('td', {}, d.rebuilt))));
      verdict.append(el('div', { class: 'scroll' }, table));
    }
  } catch (e) {
    clear(verdict);
    verdict.className = 'verdict different';
    verdict.append(`The check could not run: ${e.message}`);
  } finally {
    button.disabled = false;
  }
}

// ---- the token ----

function setUpToken() {
  const field = document.getElementById('token');
  field.value = token();
  field.addEventListener('change', () => {
    setToken(field.value.trim());
    route();
  });
}

// ---- the event stream ----

function setUpEvents() {
  const status = document.getElementById('stream-status');
  new EventFollower({ workers: 'true' }, (item) => app.eventListeners.forEach((listener) => listener(item)), (text) => {
    status.textContent = text === 'live' ? '● live' : `○ ${text}`;
    status.className = text === 'live' ? 'live' : 'offline';
  }).start();
}

async function learnSpan() {
  try {
    let offset = 0;
    for (;;) {
      const page = await get('/api/v1/tasks', { limit: 1000, offset });
      page.items.forEach((t) => app.saw(t.submittedAt ? new Date(t.submittedAt) : null));
      if (page.nextOffset === null || page.nextOffset === undefined) {
        break;
      }
      offset = page.nextOffset;
    }
  } catch (e) {
    // the views say why the API does not answer
  }
}

window.addEventListener('hashchange', route);
window.addEventListener('DOMContentLoaded', () => {
  setUpToken();
  setUpTimeBar();
  setUpEvents();
  learnSpan();
  route();
});
