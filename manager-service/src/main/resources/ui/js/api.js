// The HTTP API as the UI uses it: every call carries the token (when one is set) as a bearer token;
// refusals come back as the API's problem (application/problem+json), thrown as an ApiError.

const TOKEN_KEY = 'cube.token';

export function token() {
  return sessionStorage.getItem(TOKEN_KEY) || '';
}

export function setToken(value) {
  if (value) {
    sessionStorage.setItem(TOKEN_KEY, value);
  } else {
    sessionStorage.removeItem(TOKEN_KEY);
  }
}

function headers(extra = {}) {
  const all = { ...extra };
  if (token()) {
    all.Authorization = `Bearer ${token()}`;
  }
  return all;
}

/** A refusal of the API: its status and its problem (title, detail, errors[].field). */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

async function answer(response) {
  const type = response.headers.get('Content-Type') || '';
  if (!response.ok) {
    let problem = { title: response.statusText, detail: `HTTP ${response.status}` };
    if (type.includes('json')) {
      problem = await response.json();
    } else if (response.status === 401 || response.status === 403) {
      problem = { title: 'Not allowed', detail: 'the API wants a valid token: set one in the Token field' };
    }
    throw new ApiError(response.status, problem);
  }
  return type.includes('json') ? response.json() : response.text();
}

export async function get(path, params = {}) {
  const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== ''));
  const url = query.toString() ? `${path}?${query}` : path;
  return answer(await fetch(url, { headers: headers({ Accept: 'application/json' }) }));
}

export async function post(path, body) {
  const init = { method: 'POST', headers: headers({ Accept: 'application/json' }) };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  return answer(await fetch(path, init));
}

export async function del(path) {
  return answer(await fetch(path, { method: 'DELETE', headers: headers({ Accept: 'application/json' }) }));
}

/**
 * Reads a streamed text answer (a followed task output) chunk by chunk, handing each to onText,
 * until it ends or signal aborts it. Resolves when the answer has ended.
 */
export async function stream(path, onText, signal) {
  const response = await fetch(path, { headers: headers({ Accept: 'text/plain' }), signal });
  if (!response.ok) {
    await answer(response);
  }
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) {
      break;
    }
    onText(decoder.decode(value, { stream: true }));
  }
}

/**
 * Follows GET /api/v1/events as Server-Sent Events, read with fetch (EventSource cannot send an
 * Authorization header). Each event's JSON goes to onEvent. A broken connection is opened again with
 * the last id received as Last-Event-ID, so nothing is missed and nothing comes twice.
 */
export class EventFollower {
  constructor(params, onEvent, onStatus = () => {}) {
    this.params = params;
    this.onEvent = onEvent;
    this.onStatus = onStatus;
    this.lastId = null;
    this.controller = null;
    this.closed = false;
  }

  start() {
    this.loop();
    return this;
  }

  close() {
    this.closed = true;
    if (this.controller) {
      this.controller.abort();
    }
  }

  async loop() {
    let delay = 500;
    while (!this.closed) {
      this.controller = new AbortController();
      try {
        const extra = { Accept: 'text/event-stream' };
        if (this.lastId) {
          extra['Last-Event-ID'] = this.lastId;
        }
        const query = new URLSearchParams({ ...this.params, follow: 'true' });
        const response = await fetch(`/api/v1/events?${query}`, { headers: headers(extra), signal: this.controller.signal });
        if (!response.ok) {
          await answer(response);
        }
        this.onStatus('live');
        delay = 500;
        await this.read(response.body.getReader());
      } catch (e) {
        if (this.closed) {
          return;
        }
        this.onStatus(e instanceof ApiError ? e.message : 'reconnecting');
      }
      if (!this.closed) {
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay = Math.min(delay * 2, 5000);
      }
    }
  }

  async read(reader) {
    const decoder = new TextDecoder();
    let buffer = '';
    let id = null;
    let data = [];
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        throw new Error('the event stream ended');
      }
      buffer += decoder.decode(value, { stream: true });
      let newline;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline).replace(/\r$/, '');
        buffer = buffer.slice(newline + 1);
        if (line === '') {
          if (data.length) {
            if (id !== null) {
              this.lastId = id;
            }
            try {
              this.onEvent(JSON.parse(data.join('\n')));
            } catch (e) {
              console.error('cannot use an event', e);
            }
          }
          id = null;
          data = [];
        } else if (line.startsWith('id:')) {
          id = line.slice(3).trim();
        } else if (line.startsWith('data:')) {
          data.push(line.slice(5).replace(/^ /, ''));
        }
      }
    }
  }
}
