// Workers: capacity and allocation as bars, measured usage, status (ready, draining, engine-unreachable, lost, left), their
// tasks, drain and undrain. Read again on every worker event and every few seconds (heartbeats are not
// streamed). Under time travel the workers are shown as they are now (cube.workers is compacted: their
// past is not on the log), with the tasks each held as of the instant (from the task log).

import { get, post } from './api.js';
import { badge, bar, clear, el, failure, formatInstant } from './dom.js';
import { app } from './state.js';
import { allTasks } from './tasks.js';

const HOLDING = new Set(['Scheduled', 'Running']);

export function mount(root) {
  const banner = el('p', { id: 'workers-banner', class: 'banner', hidden: true });
  const message = el('div', { id: 'workers-message' });
  const list = el('div', { id: 'workers', class: 'cards' });
  root.append(el('h1', {}, 'Workers'), banner, message, list);

  let generation = 0;
  const load = async () => {
    const mine = ++generation;
    const asOf = app.asOf;
    try {
      const [page, then] = await Promise.all([get('/api/v1/workers'), asOf ? allTasks(asOf) : Promise.resolve(null)]);
      if (mine !== generation) return;
      clear(message);
      banner.hidden = !asOf;
      banner.textContent = asOf ? `Workers as they are now, not as of ${formatInstant(asOf)}: cube.workers is compacted (only each worker's latest `
        + `record is kept), so their past cannot be folded from the log. "Held then" lists the tasks placed on each worker as of that instant, from the task log.` : '';
      clear(list);
      if (!page.items.length) {
        list.append(el('p', { class: 'muted' }, 'No worker has been seen.'));
      }
      page.items.forEach((w) => list.append(card(w, then, load)));
    } catch (e) {
      if (mine !== generation) return;
      clear(message);
      message.append(failure(`Cannot read the workers: ${e.message}`));
    }
  };

  let pending = null;
  const soon = () => {
    clearTimeout(pending);
    pending = setTimeout(load, 200);
  };
  const stopEvents = app.onEvent((item) => {
    const type = (item.event && item.event.type) || '';
    if (type.startsWith('dev.cube.worker.') || /\.(scheduled|completed|failed|stopped|lost)$/.test(type)) {
      soon();
    }
  });
  const stopTime = app.onTime(load);
  const every = setInterval(() => { if (!app.asOf) load(); }, 3000);
  load();
  return {
    unmount() {
      stopEvents();
      stopTime();
      clearInterval(every);
      clearTimeout(pending);
    },
  };
}

function card(w, then, reload) {
  const capacity = w.capacity || { cpu: 0, memory: 0, disk: 0 };
  const allocated = w.allocated || { cpu: 0, memory: 0, disk: 0 };
  const action = w.draining
    ? el('button', { class: 'undrain', onclick: () => admin(w.id, 'undrain', reload) }, 'Undrain')
    : el('button', { class: 'drain danger', onclick: () => admin(w.id, 'drain', reload), disabled: w.status === 'left' || w.status === 'lost' }, 'Drain');
  const tasks = (w.tasks || []).map((id) => el('li', {}, el('a', { href: `#/tasks/${encodeURIComponent(id)}`, class: 'mono' }, id.slice(0, 8))));
  const heldThen = then ? then.filter((t) => t.workerId === w.id && HOLDING.has(t.state)) : null;
  return el('article', { class: `card worker status-${w.status}`, 'data-worker-id': w.id, 'data-status': w.status },
    el('header', {}, el('h2', { class: 'mono' }, w.id), badge(w.status), action),
    w.reason ? el('p', { class: 'muted' }, w.reason) : null,
    w.engine && w.engine.answers === false ? el('p', { class: 'engine-down' }, `Its container engine does not answer`
      + `${w.engine.since ? ` since ${formatInstant(w.engine.since)}` : ''}: it takes no new work; its tasks stay.`
      + `${w.engine.reason ? ` ${w.engine.reason}` : ''}`) : null,
    el('p', { class: 'muted small' }, `${w.address || 'no address'} · last heartbeat ${formatInstant(w.lastSeen)} · started ${formatInstant(w.startedAt)}`),
    bar('CPU allocated', allocated.cpu, capacity.cpu, 'cores'),
    bar('Memory allocated', allocated.memory, capacity.memory, 'MB'),
    bar('Disk allocated', allocated.disk, capacity.disk, 'MB'),
    w.stats ? el('p', { class: 'muted small measured' }, `Measured at the last heartbeat (its host): cpu ${Math.round(w.stats.cpuUsage * 100)}%, `
      + `memory used ${w.stats.memoryUsed} MB, disk used ${w.stats.diskUsed} MB, load ${Math.round(w.stats.loadAverage * 100) / 100}, ${w.stats.containers} container(s)`) : null,
    el('div', { class: 'worker-tasks' }, el('h3', {}, `Tasks (${tasks.length})`), tasks.length ? el('ul', {}, tasks) : el('p', { class: 'muted' }, 'none')),
    heldThen ? el('div', { class: 'worker-tasks then' }, el('h3', {}, `Held then (${heldThen.length})`),
      heldThen.length ? el('ul', {}, heldThen.map((t) => el('li', {}, el('a', { href: `#/tasks/${t.id}`, class: 'mono' }, t.id.slice(0, 8)), ` ${t.state}`)))
        : el('p', { class: 'muted' }, 'none')) : null);
}

async function admin(id, what, reload) {
  try {
    await post(`/api/v1/workers/${encodeURIComponent(id)}/${what}`);
  } catch (e) {
    document.getElementById('workers-message').append(failure(`Not ${what}ed: ${e.message}`));
  }
  // The event is on the log; the placement stage folds it a commit later, and its worker event comes on the stream.
  setTimeout(reload, 300);
}
