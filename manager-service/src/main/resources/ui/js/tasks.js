// Tasks: the live list (kept current by the event stream, no reload), filtered by state and label, and
// the submit form (the API's problem shown on the offending fields). Under time travel, the list as of
// the instant (GET /api/v1/tasks?asOf=).

import { ApiError, get, post } from './api.js';
import { badge, clear, el, failure, formatInstant, shortType } from './dom.js';
import { app } from './state.js';

const STATES = ['Pending', 'Scheduled', 'Running', 'Completed', 'Failed', 'Stopped', 'Lost'];

/** Reads every page of GET /api/v1/tasks (with asOf when given). */
export async function allTasks(asOf) {
  const items = [];
  let offset = 0;
  for (;;) {
    const page = await get('/api/v1/tasks', { limit: 1000, offset, asOf: asOf ? asOf.toISOString() : undefined });
    items.push(...page.items);
    if (page.nextOffset === null || page.nextOffset === undefined) {
      return items;
    }
    offset = page.nextOffset;
  }
}

/**
 * Keeps a map of tasks current from the event stream: after an event of a task, reads the task again
 * until the projection has applied it (its updatedAt is the event's time or later), a few tries at most.
 */
export class LiveTasks {
  constructor(onChange) {
    this.tasks = new Map();
    this.onChange = onChange;
    this.wanted = new Map();
    this.stop = app.onEvent((item) => {
      if (item.topic === 'cube.task-events' && item.event && item.event.subject) {
        this.refresh(item.event.subject, item.event.time ? new Date(item.event.time) : null);
      }
    });
  }

  async load() {
    (await allTasks(null)).forEach((t) => this.put(t));
    this.onChange();
  }

  put(t) {
    this.tasks.set(t.id, t);
    app.saw(t.submittedAt ? new Date(t.submittedAt) : null);
  }

  refresh(id, eventTime) {
    const running = this.wanted.has(id);
    const before = this.wanted.get(id);
    this.wanted.set(id, !before || (eventTime && eventTime > before) ? eventTime : before);
    if (!running) {
      this.poll(id);
    }
  }

  async poll(id) {
    for (let attempt = 0; attempt < 25 && !this.closed; attempt++) {
      const wanted = this.wanted.get(id);
      try {
        const t = await get(`/api/v1/tasks/${encodeURIComponent(id)}`);
        this.put(t);
        this.onChange(t);
        if (!wanted || (t.updatedAt && new Date(t.updatedAt) >= wanted)) {
          if (this.wanted.get(id) === wanted) {
            this.wanted.delete(id);
            return;
          }
          continue;
        }
      } catch (e) {
        if (!(e instanceof ApiError) || e.status !== 404) {
          break;
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 150 + attempt * 50));
    }
    this.wanted.delete(id);
  }

  close() {
    this.closed = true;
    this.stop();
  }
}

export function mount(root) {
  const filters = el('div', { class: 'filters' },
    el('label', {}, 'State ', el('select', { id: 'filter-state', name: 'state' }, el('option', { value: '' }, 'any'),
      ...STATES.map((s) => el('option', { value: s }, s)))),
    el('label', {}, 'Label ', el('input', { id: 'filter-label', name: 'label', placeholder: 'team=ops or team', autocomplete: 'off' })),
    el('span', { id: 'task-count', class: 'muted' }));
  const banner = el('p', { id: 'tasks-banner', class: 'banner', hidden: true });
  const table = el('table', { id: 'tasks', class: 'list' },
    el('thead', {}, el('tr', {}, ...['Task', 'Name', 'Image', 'State', 'Attempt', 'Worker', 'Labels', 'Updated'].map((h) => el('th', {}, h)))),
    el('tbody', {}));
  const message = el('div', { id: 'tasks-message' });
  const around = el('section', { id: 'events-around', class: 'panel', hidden: true });
  root.append(el('h1', {}, 'Tasks'), submitForm(), filters, banner, around, message, el('div', { class: 'scroll' }, table));

  let shown = [];
  let cache = new Map();
  const render = () => {
    const state = document.getElementById('filter-state').value;
    const label = document.getElementById('filter-label').value.trim();
    const rows = shown.filter((t) => (!state || t.state === state) && matchesLabel(t, label))
      .sort((a, b) => String(b.submittedAt || '').localeCompare(String(a.submittedAt || '')) || a.id.localeCompare(b.id));
    const body = table.tBodies[0];
    // A row is drawn again only when its task changed, so that what a user looks at (or a test holds) stays put.
    const drawn = new Map();
    const trs = rows.map((t) => {
      const key = JSON.stringify(t);
      const kept = cache.get(t.id);
      const tr = kept && kept.key === key ? kept.tr : row(t);
      drawn.set(t.id, { key, tr });
      return tr;
    });
    cache = drawn;
    body.replaceChildren(...(trs.length ? trs
      : [el('tr', { class: 'empty' }, el('td', { colspan: 8 }, app.asOf ? 'No task existed then that matches.' : 'No task matches.'))]));
    document.getElementById('task-count').textContent = `${rows.length} of ${shown.length}`;
  };
  filters.addEventListener('input', render);
  filters.addEventListener('change', render);

  const live = new LiveTasks(() => {
    if (!app.asOf) {
      shown = [...live.tasks.values()];
      render();
    }
  });

  let generation = 0;
  const showTime = async (asOf) => {
    const mine = ++generation;
    clear(message);
    banner.hidden = !asOf;
    around.hidden = !asOf;
    if (asOf) {
      eventsAround(around, asOf);
    }
    if (!asOf) {
      shown = [...live.tasks.values()];
      render();
      return;
    }
    banner.textContent = `As of ${formatInstant(asOf)}: every task folded from the log up to that instant.`;
    table.classList.add('loading');
    try {
      const then = await allTasks(asOf);
      if (mine === generation) {
        shown = then;
        render();
      }
    } catch (e) {
      message.append(failure(`Cannot read the tasks as of ${formatInstant(asOf)}: ${e.message}`));
    } finally {
      table.classList.remove('loading');
    }
  };
  const stopTime = app.onTime(showTime);

  live.load().then(() => showTime(app.asOf)).catch((e) => message.append(failure(`Cannot read the tasks: ${e.message}`)));
  const submitted = (e) => live.refresh(e.detail, null);
  root.addEventListener('cube:submitted', submitted);
  return {
    unmount() {
      root.removeEventListener('cube:submitted', submitted);
      live.close();
      stopTime();
    },
  };
}

const AROUND_MS = 30_000;
const AROUND_EACH_SIDE = 6;

/** The events logged just before and just after the instant, the last one before it highlighted (GET /api/v1/events?from=<instant>). */
async function eventsAround(section, asOf) {
  clear(section);
  section.append(el('h2', {}, 'Events around this instant'));
  try {
    const page = await get('/api/v1/events', { from: new Date(asOf.getTime() - AROUND_MS).toISOString(), limit: 200 });
    const items = page.items.filter((i) => new Date(i.logTime).getTime() <= asOf.getTime() + AROUND_MS)
      .sort((a, b) => a.logTime.localeCompare(b.logTime));
    const before = items.filter((i) => new Date(i.logTime) <= asOf).slice(-AROUND_EACH_SIDE);
    const after = items.filter((i) => new Date(i.logTime) > asOf).slice(0, AROUND_EACH_SIDE);
    const line = (i, classes) => el('tr', { class: classes },
      el('td', { class: 'mono' }, formatInstant(i.logTime)),
      el('td', {}, shortType(i.event.type)),
      el('td', {}, el('a', { href: `#/tasks/${encodeURIComponent(i.event.subject)}`, class: 'mono' }, String(i.event.subject).slice(0, 8))),
      el('td', { class: 'mono muted' }, `${i.partition}:${i.offset}`));
    const rows = [
      ...before.map((i, n) => line(i, n === before.length - 1 ? 'step now' : 'step')),
      el('tr', { class: 'instant' }, el('td', { colspan: 4 }, `▶ ${formatInstant(asOf)}`)),
      ...after.map((i) => line(i, 'step future')),
    ];
    section.append(el('div', { class: 'scroll' }, el('table', { class: 'list timeline' }, el('tbody', {}, rows))));
    if (!items.length) {
      section.append(el('p', { class: 'muted' }, 'No event within 30 s of this instant.'));
    }
  } catch (e) {
    section.append(failure(`Cannot read the events: ${e.message}`));
  }
}

function matchesLabel(t, filter) {
  if (!filter) {
    return true;
  }
  const [key, ...rest] = filter.split('=');
  const labels = t.labels || {};
  if (!rest.length) {
    return Object.prototype.hasOwnProperty.call(labels, key.trim());
  }
  return labels[key.trim()] === rest.join('=').trim();
}

function row(t) {
  const labels = Object.entries(t.labels || {}).map(([k, v]) => el('span', { class: 'label' }, `${k}=${v}`));
  return el('tr', { 'data-task-id': t.id, 'data-state': t.state },
    el('td', {}, el('a', { href: `#/tasks/${encodeURIComponent(t.id)}`, class: 'mono', title: t.id }, t.id.slice(0, 8))),
    el('td', {}, t.name || ''),
    el('td', { class: 'mono' }, t.image),
    el('td', { class: 'state' }, badge(t.state), t.desiredState === 'Stopped' && t.state !== 'Stopped' ? el('span', { class: 'muted' }, ' stopping') : null),
    el('td', {}, String(t.attempt)),
    el('td', { class: 'mono' }, t.workerId || ''),
    el('td', {}, labels),
    el('td', { class: 'muted' }, formatInstant(t.updatedAt)));
}

// ---- the submit form ----

const FIELD_INPUTS = {
  restartPolicy: 'restartMode',
  'restartPolicy.mode': 'restartMode',
  'restartPolicy.maxRestarts': 'maxRestarts',
  'restartPolicy.backoffSeconds': 'backoffSeconds',
  healthCheck: 'healthPath',
  'healthCheck.path': 'healthPath',
  'healthCheck.port': 'healthPort',
  'healthCheck.intervalSeconds': 'healthInterval',
};

function field(name, label, attributes = {}, input = null) {
  return el('div', { class: 'field' },
    el('label', { for: `submit-${name}` }, label),
    input || el('input', { id: `submit-${name}`, name, autocomplete: 'off', ...attributes }),
    el('small', { class: 'field-error', 'data-error-for': name, role: 'alert' }));
}

function submitForm() {
  const form = el('form', { id: 'submit-form', novalidate: true },
    el('div', { class: 'grid' },
      field('name', 'Name', { placeholder: 'hello' }),
      field('image', 'Image', { placeholder: 'cube/busybox:local' }),
      field('command', 'Command', { placeholder: 'echo hello (or a JSON array)' }),
      field('cpu', 'CPU (cores)', { inputmode: 'decimal', placeholder: '0.1' }),
      field('memory', 'Memory (MB)', { inputmode: 'numeric', placeholder: '64' }),
      field('disk', 'Disk (MB)', { inputmode: 'numeric' }),
      field('ports', 'Ports', { placeholder: '8080 or 18080:8080/tcp, …' }),
      field('restartMode', 'Restart', {}, el('select', { id: 'submit-restartMode', name: 'restartMode' },
        el('option', { value: '' }, 'never (default)'), el('option', { value: 'on-failure' }, 'on-failure'), el('option', { value: 'always' }, 'always'))),
      field('maxRestarts', 'Max restarts', { inputmode: 'numeric' }),
      field('backoffSeconds', 'Backoff (s)', { inputmode: 'numeric' }),
      field('healthPath', 'Health check path', { placeholder: '/' }),
      field('healthPort', 'Health check port', { inputmode: 'numeric' }),
      field('env', 'Environment', {}, el('textarea', { id: 'submit-env', name: 'env', rows: 2, placeholder: 'KEY=value, one a line' })),
      field('labels', 'Labels', {}, el('textarea', { id: 'submit-labels', name: 'labels', rows: 2, placeholder: 'team=ops, one a line' }))),
    el('div', { class: 'actions' }, el('button', { type: 'submit', id: 'submit-button' }, 'Submit'), el('span', { id: 'submit-result', role: 'status' })));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const result = document.getElementById('submit-result');
    form.querySelectorAll('.field-error').forEach((small) => { small.textContent = ''; });
    form.querySelectorAll('[aria-invalid]').forEach((input) => input.removeAttribute('aria-invalid'));
    clear(result);
    try {
      const accepted = await post('/api/v1/tasks', spec(form));
      result.className = 'ok';
      result.append('Submitted ', el('a', { href: `#/tasks/${accepted.id}`, class: 'mono' }, accepted.id));
      form.dispatchEvent(new CustomEvent('cube:submitted', { detail: accepted.id, bubbles: true }));
    } catch (error) {
      result.className = 'error';
      if (!(error instanceof ApiError)) {
        result.append(`Not submitted: ${error.message}`);
        return;
      }
      const unplaced = [];
      for (const violation of error.problem.errors || []) {
        const name = FIELD_INPUTS[violation.field] || violation.field.split(/[.[]/)[0];
        const small = form.querySelector(`[data-error-for="${name}"]`);
        if (small) {
          small.textContent = small.textContent ? `${small.textContent}; ${violation.message}` : violation.message;
          small.title = violation.field;
          form.querySelector(`[name="${name}"]`).setAttribute('aria-invalid', 'true');
        } else {
          unplaced.push(`${violation.field}: ${violation.message}`);
        }
      }
      result.append(`${error.problem.title}${unplaced.length ? `: ${unplaced.join('; ')}` : (error.problem.errors ? '' : `: ${error.problem.detail}`)}`);
    }
  });
  // Open on a wide window; on a narrow one the list comes first and the form opens on demand.
  return el('details', { class: 'panel', id: 'submit-panel', open: window.matchMedia('(min-width: 761px)').matches }, el('summary', {}, 'Submit a task'), form);
}

/** The spec the form says, each value as typed when it is not a number, so that the API judges it. */
function spec(form) {
  const value = (name) => form.elements[name].value.trim();
  const number = (name) => {
    const text = value(name);
    if (!text) {
      return undefined;
    }
    const n = Number(text);
    return Number.isFinite(n) ? n : text;
  };
  const pairs = (name) => {
    const out = {};
    value(name).split('\n').map((line) => line.trim()).filter(Boolean).forEach((line) => {
      const at = line.indexOf('=');
      out[at < 0 ? line : line.slice(0, at).trim()] = at < 0 ? '' : line.slice(at + 1);
    });
    return out;
  };
  const body = {};
  if (value('name')) body.name = value('name');
  body.image = value('image');
  const command = value('command');
  if (command) {
    try {
      body.command = command.startsWith('[') ? JSON.parse(command) : command.split(/\s+/);
    } catch (e) {
      body.command = command;
    }
  }
  for (const name of ['cpu', 'memory', 'disk']) {
    if (number(name) !== undefined) body[name] = number(name);
  }
  if (value('ports')) {
    body.ports = value('ports').split(',').map((p) => p.trim()).filter(Boolean).map((p) => {
      const [ports, protocol] = p.split('/');
      const parts = ports.split(':');
      const port = {};
      const num = (t) => (Number.isFinite(Number(t)) && t.trim() !== '' ? Number(t) : t);
      if (parts.length > 1) {
        port.hostPort = num(parts[0]);
        port.containerPort = num(parts[1]);
      } else {
        port.containerPort = num(parts[0]);
      }
      if (protocol) port.protocol = protocol;
      return port;
    });
  }
  if (value('restartMode') || value('maxRestarts') || value('backoffSeconds')) {
    body.restartPolicy = { mode: value('restartMode') || 'never' };
    if (number('maxRestarts') !== undefined) body.restartPolicy.maxRestarts = number('maxRestarts');
    if (number('backoffSeconds') !== undefined) body.restartPolicy.backoffSeconds = number('backoffSeconds');
  }
  if (value('healthPath') || value('healthPort')) {
    body.healthCheck = { path: value('healthPath') };
    if (number('healthPort') !== undefined) body.healthCheck.port = number('healthPort');
  }
  if (value('env')) body.env = pairs('env');
  if (value('labels')) body.labels = pairs('labels');
  return body;
}
