// What the views share: the instant shown (null: now), the live events of the log, the log's span.

export const app = {
  asOf: null,
  span: { from: null, to: null },
  eventListeners: new Set(),
  timeListeners: new Set(),
  spanListeners: new Set(),

  /** Calls listener with each event of the log as it comes (GET /api/v1/events, followed); answers how to stop. */
  onEvent(listener) {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  },

  /** Calls listener with the instant shown (a Date, or null for now) whenever it changes; answers how to stop. */
  onTime(listener) {
    this.timeListeners.add(listener);
    return () => this.timeListeners.delete(listener);
  },

  /** Shows everything as of this instant (a Date), or now (null). */
  travel(instant) {
    this.asOf = instant;
    this.timeListeners.forEach((listener) => listener(instant));
  },

  /** Widens the span so that it holds this instant (a task's submission a view saw). */
  saw(instant) {
    if (instant && !Number.isNaN(instant.getTime()) && (!this.span.from || instant < this.span.from)) {
      this.span.from = instant;
      this.spanListeners.forEach((listener) => listener());
    }
  },
};
