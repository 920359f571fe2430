// A task: its spec and state, attempts, worker, published ports as links, the timeline of its records
// (GET .../history: offset, time, outcome and reason) and its output (GET .../logs, followed while it
// runs). Under time travel: the task as of the instant, the timeline's events up to it highlighted.

import { ApiError, del, get, stream } from './api.js';
import { badge, clear, el, failure, formatInstant, shortType } from './dom.js';
import { app } from './state.js';

const ENDED = new Set(['Completed', 'Failed', 'Stopped', 'Lost']);

export function mount(root, id) {
  const head = el('div', { class: 'task-head' });
  const summary = el('section', { id: 'task-summary', class: 'panel' });
  const timeline = el('section', { id: 'timeline', class: 'panel' });
  const output = el('section', { id: 'output', class: 'panel' });
  root.append(el('p', {}, el('a', { href: '#/tasks' }, '← Tasks')), head, el('div', { class: 'columns' }, summary, timeline), output);

  let current = null;
  let history = [];
  let workers = new Map();
  let follow = null;
  let followedAttempt = null;
  let chose = null;
  let generation = 0;

  const showSummary = (t, asOf) => {
    clear(head);
    clear(summary);
    if (!t) {
      head.append(el('h1', {}, 'Task ', el('span', { class: 'mono' }, id)));
      summary.append(el('p', { id: 'task-absent', class: 'banner' },
        asOf ? `This task did not exist yet as of ${formatInstant(asOf)}.` : 'No such task.'));
      return;
    }
    const stop = !asOf && !ENDED.has(t.state) && t.desiredState !== 'Stopped'
      ? el('button', { id: 'stop-task', class: 'danger', onclick: () => stopTask(t.id) }, 'Stop') : null;
    head.append(el('h1', {}, t.name ? `${t.name} ` : 'Task ', el('span', { class: 'mono small' }, t.id)),
      el('div', { class: 'task-state' }, badge(t.state), asOf ? el('span', { class: 'banner inline' }, ` as of ${formatInstant(asOf)}`) : null, stop));
    const worker = t.workerId ? workers.get(t.workerId) : null;
    const ports = (t.publishedPorts || []).map((p) => {
      const host = p.hostIp && p.hostIp !== '0.0.0.0' && p.hostIp !== '::' ? p.hostIp : (worker && worker.address) || location.hostname;
      const url = `http://${host}:${p.hostPort}/`;
      return el('li', {}, el('a', { href: url, target: '_blank', rel: 'noopener', class: 'port-link' }, url), ` → container port ${p.containerPort}`);
    });
    const rows = [
      ['State', t.state + (t.reason ? ` (${t.reason})` : '')],
      ['Desired', t.desiredState],
      ['Attempt', String(t.attempt)],
      ['Worker', t.workerId ? el('a', { href: '#/workers' }, t.workerId) : '—'],
      ['Container', t.containerId ? t.containerId.slice(0, 12) : '—'],
      ['Exit code', t.exitCode === undefined || t.exitCode === null ? '—' : String(t.exitCode)],
      ['Published ports', ports.length ? el('ul', { class: 'ports' }, ports) : '—'],
      ['Image', t.image],
      ['Command', (t.command || []).length ? JSON.stringify(t.command) : "the image's"],
      ['CPU / memory / disk', `${t.cpu ?? '—'} cores / ${t.memory ?? '—'} MB / ${t.disk ?? '—'} MB`],
      ['Ports requested', (t.ports || []).map((p) => `${p.hostPort ? `${p.hostPort}:` : ''}${p.containerPort}/${p.protocol || 'tcp'}`).join(', ') || '—'],
      ['Restart policy', t.restartPolicy ? `${t.restartPolicy.mode}${t.restartPolicy.maxRestarts ? `, at most ${t.restartPolicy.maxRestarts}` : ''}` : 'never'],
      ['Health check', t.healthCheck ? `${t.healthCheck.path} on ${t.healthCheck.port ?? 'the first port'}` : '—'],
      ['Env', Object.entries(t.env || {}).map(([k, v]) => `${k}=${v}`).join(' ') || '—'],
      ['Labels', Object.entries(t.labels || {}).map(([k, v]) => el('span', { class: 'label' }, `${k}=${v}`))],
      ['Submitted', formatInstant(t.submittedAt)],
      ['Scheduled', formatInstant(t.scheduledAt)],
      ['Started', formatInstant(t.startedAt)],
      ['Finished', formatInstant(t.finishedAt)],
      ['Events folded', String(t.eventCount)],
    ];
    summary.append(el('h2', {}, 'Spec and state'),
      el('dl', { class: 'facts' }, rows.flatMap(([k, v]) => [el('dt', {}, k), el('dd', { 'data-fact': k }, v)])));
  };

  const showTimeline = (asOf) => {
    clear(timeline);
    const limit = asOf ? asOf.getTime() : Infinity;
    let lastBefore = -1;
    history.forEach((step, i) => {
      if (new Date(step.logTime).getTime() <= limit) lastBefore = i;
    });
    const rows = history.map((step, i) => {
      const future = new Date(step.logTime).getTime() > limit;
      const classes = ['step', `outcome-${step.outcome}`, future ? 'future' : '', asOf && i === lastBefore ? 'now' : ''].join(' ');
      const event = step.event || {};
      return el('tr', { class: classes, 'data-offset': `${step.partition}:${step.offset}` },
        el('td', { class: 'mono' }, `${step.partition}:${step.offset}`),
        el('td', { class: 'mono' }, formatInstant(step.logTime)),
        el('td', {}, shortType(event.type) || '(not an event)'),
        el('td', {}, badge(step.outcome), step.reason ? el('div', { class: 'reason' }, step.reason) : null),
        el('td', {}, step.state ? `${step.state.state}${step.state.attempt ? ` #${step.state.attempt}` : ''}${step.state.workerId ? ` on ${step.state.workerId}` : ''}` : ''));
    });
    timeline.append(el('h2', {}, 'Timeline'),
      el('p', { class: 'muted' }, 'Each record of the task on cube.task-events, what folding it did, and the state right after.'),
      el('div', { class: 'scroll' }, el('table', { class: 'list timeline' },
        el('thead', {}, el('tr', {}, ...['Offset', 'Log time', 'Event', 'Outcome', 'State after'].map((h) => el('th', {}, h)))),
        el('tbody', {}, rows))));
  };

  const showOutput = (t) => {
    if (!t || app.asOf) {
      if (follow) follow.abort();
      follow = null;
      followedAttempt = null;
      clear(output);
      output.append(el('h2', {}, 'Output'), el('p', { class: 'muted' }, app.asOf ? 'Output is shown live, not as of an instant.' : ''));
      return;
    }
    const attempts = Math.max(1, t.attempt);
    const chosen = chose && chose <= attempts ? chose : attempts;
    if (follow && followedAttempt === chosen) {
      return;
    }
    if (follow) follow.abort();
    followedAttempt = chosen;
    clear(output);
    const select = el('select', { id: 'output-attempt' }, Array.from({ length: attempts }, (_, i) => el('option', { value: i + 1, selected: i + 1 === chosen }, `attempt ${i + 1}`)));
    select.addEventListener('change', () => {
      if (follow) follow.abort();
      chose = Number(select.value);
      followedAttempt = chose;
      clear(document.getElementById('output-text'));
      startFollow(t, chose);
    });
    output.append(el('h2', {}, 'Output ', select, el('span', { id: 'output-status', class: 'muted small' })), el('pre', { id: 'output-text', class: 'output' }));
    startFollow(t, chosen);
  };

  const startFollow = (t, attempt) => {
    const controller = new AbortController();
    follow = controller;
    const text = document.getElementById('output-text');
    const status = document.getElementById('output-status');
    status.textContent = ' following…';
    stream(`/api/v1/tasks/${encodeURIComponent(t.id)}/logs?follow=true&attempt=${attempt}`, (chunk) => {
      text.append(chunk);
      text.scrollTop = text.scrollHeight;
    }, controller.signal).then(() => {
      if (follow === controller) {
        status.textContent = ' (the attempt has ended: all its output)';
      }
    }).catch((e) => {
      if (!controller.signal.aborted) {
        status.textContent = ` cannot read the output: ${e.message}`;
      }
    });
  };

  const load = async () => {
    const mine = ++generation;
    const asOf = app.asOf;
    try {
      const [t, steps, page] = await Promise.all([
        get(`/api/v1/tasks/${encodeURIComponent(id)}`, { asOf: asOf ? asOf.toISOString() : undefined }).catch((e) => {
          if (e instanceof ApiError && e.status === 404) return null;
          throw e;
        }),
        get(`/api/v1/tasks/${encodeURIComponent(id)}/history`).then((h) => h.items).catch(() => []),
        get('/api/v1/workers').catch(() => ({ items: [] })),
      ]);
      if (mine !== generation) return;
      current = t;
      history = steps;
      workers = new Map(page.items.map((w) => [w.id, w]));
      showSummary(t, asOf);
      showTimeline(asOf);
      showOutput(t);
    } catch (e) {
      if (mine !== generation) return;
      clear(summary);
      summary.append(failure(`Cannot read task ${id}: ${e.message}`));
    }
  };

  const stopTask = async (taskId) => {
    try {
      await del(`/api/v1/tasks/${encodeURIComponent(taskId)}`);
    } catch (e) {
      summary.prepend(failure(`Not stopped: ${e.message}`));
    }
  };

  let pending = null;
  const stopEvents = app.onEvent((item) => {
    if (!app.asOf && item.event && item.event.subject === id) {
      clearTimeout(pending);
      // The stream shows the record as soon as it is on the log; the projection applies it a commit later.
      pending = setTimeout(load, 150);
      setTimeout(() => { if (!app.asOf) load(); }, 1000);
    }
  });
  const stopTime = app.onTime(load);
  load();
  return {
    unmount() {
      stopEvents();
      stopTime();
      clearTimeout(pending);
      if (follow) follow.abort();
    },
  };
}
