/** Something a handler asks the outside world to do, keyed so that the receiver can do it once. */
export interface Action {
  /** What to do, e.g. `crm.mark_course_complete`. */
  kind: string;
  /** The academy whose delivery asked for it (`default` for a single-academy receiver). */
  academy: string;
  /** Same event, same key: a sink (or the system behind it) ignores a key it has already seen. */
  idempotencyKey: string;
  payload: Record<string, unknown>;
}

/** Where handlers send their actions: your CRM, chat, database. Throwing makes the delivery retry. */
export interface Sink {
  send(action: Action): Promise<void>;
}

/**
 * An action's idempotency key: `<eventId>:<what>`, prefixed with `<academy>:` for academies other
 * than `default` (the same event id from two academies is two events, each acted on once).
 */
export function actionKey(academy: string, eventId: string, what: string): string {
  return academy === 'default' ? `${eventId}:${what}` : `${academy}:${eventId}:${what}`;
}
