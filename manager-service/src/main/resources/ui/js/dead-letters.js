// Dead letters: the records Cube refused (GET /api/v1/dead-letters), newest first, with the reason, the
// field, where each came from and its original bytes. Read again every few seconds.

import { get } from './api.js';
import { clear, el, failure, formatInstant } from './dom.js';

const SHOWN_BYTES = 4000;

export function mount(root) {
  const message = el('div', { id: 'dead-letters-message' });
  const body = el('tbody', {});
  const more = el('button', { id: 'dead-letters-earlier', hidden: true }, 'Earlier dead letters');
  root.append(el('h1', {}, 'Dead letters'),
    el('p', { class: 'muted' }, 'Records of cube.task-events, cube.workers and cube.worker-admin that Cube could not use, kept on cube.dead-letters with why.'),
    message,
    el('div', { class: 'scroll' }, el('table', { id: 'dead-letters', class: 'list' },
      el('thead', {}, el('tr', {}, ...['Offset', 'Time', 'Key', 'Reason', 'Field', 'From', 'Original value'].map((h) => el('th', {}, h)))),
      body)),
    more);

  let latest = [];
  let older = [];
  let earlier = null;
  const render = () => {
    clear(body);
    const all = [...latest, ...older];
    if (!all.length) {
      body.append(el('tr', { class: 'empty' }, el('td', { colspan: 7 }, 'No dead letter: Cube has used every record.')));
    }
    all.forEach((d) => body.append(row(d)));
    more.hidden = earlier === null || earlier === undefined;
  };
  const load = async () => {
    try {
      const page = await get('/api/v1/dead-letters', { limit: 50 });
      clear(message);
      const fresh = [...page.items].reverse();
      if (JSON.stringify(fresh) === JSON.stringify(latest) && body.childElementCount) {
        return;
      }
      latest = fresh;
      if (!older.length) {
        earlier = page.earlier;
      }
      render();
    } catch (e) {
      clear(message);
      message.append(failure(`Cannot read the dead letters: ${e.message}`));
    }
  };
  more.addEventListener('click', async () => {
    const page = await get('/api/v1/dead-letters', { limit: 50, before: earlier });
    older = [...older, ...[...page.items].reverse()];
    earlier = page.earlier;
    render();
  });
  const every = setInterval(load, 3000);
  load();
  return { unmount: () => clearInterval(every) };
}

function row(d) {
  const value = d.value !== undefined && d.value !== null ? d.value : `base64: ${d.valueBase64}`;
  const clipped = value.length > SHOWN_BYTES ? `${value.slice(0, SHOWN_BYTES)}… (${d.size} bytes in all)` : value;
  const headers = Object.entries(d.headers || {});
  return el('tr', { 'data-offset': d.offset, 'data-key': d.key || '' },
    el('td', { class: 'mono' }, String(d.offset)),
    el('td', { class: 'mono' }, formatInstant(d.logTime)),
    el('td', { class: 'mono' }, d.key || '(none)'),
    el('td', { class: 'reason' }, d.reason || ''),
    el('td', { class: 'mono' }, d.field || ''),
    el('td', { class: 'mono small' }, d.source ? `${d.source.topic} ${d.source.partition}:${d.source.offset}` : ''),
    el('td', {}, el('pre', { class: 'bytes' }, clipped),
      headers.length ? el('details', {}, el('summary', {}, `${headers.length} header(s)`),
        el('pre', { class: 'bytes' }, headers.map(([k, v]) => `${k}: ${v}`).join('\n'))) : null));
}
