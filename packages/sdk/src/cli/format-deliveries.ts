import type { DeliveryLogEntry, DeliverySummary } from '../deliveries/delivery-log.js';

const oneLine = (text: string) => text.replace(/\s*\n\s*/g, ' ');

/** Aligned columns; the last one is left unpadded. */
function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  return rows
    .map((row) =>
      row
        .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** One row per delivery under a header, newest first, the last error last and on one line. */
export function formatDeliveryTable(deliveries: readonly DeliverySummary[]): string {
  return table([
    ['received at', 'event id', 'event type', 'status', 'email', 'attempts', 'last error'],
    ...deliveries.map((delivery) => [
      delivery.receivedAt,
      delivery.id,
      delivery.type,
      delivery.status,
      delivery.email ?? '-',
      String(delivery.attempts.length),
      oneLine(delivery.attempts.at(-1)?.error ?? ''),
    ]),
  ]);
}

/** One delivery, field by field, its attempts, then its body exactly as received. */
export function formatDelivery(entry: DeliveryLogEntry): string {
  const fields: [string, string | null | undefined][] = [
    ['event id', entry.id],
    ['event type', entry.type],
    ['status', entry.status],
    ['received at', entry.receivedAt],
    ['academy', entry.academy],
    ['user id', entry.userId],
    ['email', entry.email],
    ['course id', entry.courseId],
    ['lesson id', entry.lessonId],
    ['certificate id', entry.certificateId],
    ['badge id', entry.badgeId],
    ['next retry at', entry.nextRetryAt],
    ['duplicates', String(entry.duplicates)],
    ['conflicts', String(entry.conflicts)],
    ['replayed at', entry.replays.join(', ') || undefined],
    ['remote address', entry.request?.remoteAddress],
    ['user agent', entry.request?.userAgent],
    ['content type', entry.request?.contentType],
  ];
  const width = Math.max(...fields.map(([label]) => label.length));
  const lines = fields.map(([label, value]) => `${label.padEnd(width)}  ${value ?? '-'}`);
  const attempts =
    entry.attempts.length === 0
      ? 'attempts: none yet'
      : `attempts:\n${table([
          ['#', 'started at', 'duration', 'error'],
          ...entry.attempts.map((attempt) => [
            String(attempt.attempt),
            attempt.startedAt,
            `${attempt.durationMs} ms`,
            oneLine(attempt.error ?? '-'),
          ]),
        ])}`;
  return `${lines.join('\n')}\n${attempts}\nbody (as received):\n${entry.body}`;
}
