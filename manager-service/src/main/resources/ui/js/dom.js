// Small helpers to build the page: elements, times, bars.

/** An element with attributes (on* are listeners, class and the rest are attributes) and children (strings, nodes, null). */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) {
      continue;
    }
    if (name.startsWith('on') && typeof value === 'function') {
      node.addEventListener(name.slice(2), value);
    } else {
      node.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) {
      continue;
    }
    if (Array.isArray(child)) {
      append(node, child);
    } else {
      node.append(child instanceof Node ? child : String(child));
    }
  }
}

export function clear(node) {
  while (node.firstChild) {
    node.firstChild.remove();
  }
}

/** An instant as people read it, in UTC to the millisecond: 2026-01-31 12:00:00.163Z. */
export function formatInstant(instant) {
  if (!instant) {
    return '';
  }
  const date = instant instanceof Date ? instant : new Date(instant);
  return Number.isNaN(date.getTime()) ? String(instant) : date.toISOString().replace('T', ' ');
}

/** The value of a datetime-local field (local time, to the millisecond) for an instant. */
export function toLocalInput(date) {
  const pad = (n, width = 2) => String(n).padStart(width, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`
    + `:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

/** The instant of a datetime-local field's value (local time), or null. */
export function fromLocalInput(value) {
  if (!value) {
    return null;
  }
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** A bar of used out of total, with its label: "1.5 / 4 cores". */
export function bar(label, used, total, unit, kind = 'allocated') {
  const share = total > 0 ? Math.min(1, used / total) : 0;
  const level = share >= 0.9 ? 'full' : share >= 0.7 ? 'high' : 'ok';
  return el('div', { class: `bar ${kind}`, 'data-bar': label },
    el('div', { class: 'bar-label' }, el('span', {}, label), el('span', { class: 'bar-value' }, `${round(used)} / ${round(total)} ${unit}`)),
    el('div', { class: 'bar-track', role: 'meter', 'aria-label': label, 'aria-valuemin': 0, 'aria-valuemax': total, 'aria-valuenow': used },
      el('div', { class: `bar-fill ${level}`, style: `width: ${(share * 100).toFixed(1)}%` })));
}

function round(n) {
  return Math.round((n || 0) * 100) / 100;
}

/** A state as a badge: Running, Completed, ready, draining, ... */
export function badge(text) {
  return el('span', { class: `badge state-${String(text).toLowerCase()}` }, text);
}

/** The short name of an event type: dev.cube.task.completed is completed, dev.cube.worker.lost is worker.lost. */
export function shortType(type) {
  return String(type || '').replace('dev.cube.task.', '').replace('dev.cube.', '');
}

/** Shows an error where a view's content would be. */
export function failure(message) {
  return el('p', { class: 'error', role: 'alert' }, message);
}
