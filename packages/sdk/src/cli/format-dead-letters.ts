import type { BullMQDeadLetter } from '../queue/bullmq/index.js';

/** What `list` and `replay` print of a dead letter, in text and in `--json`. */
export function deadLetterSummary(deadLetter: BullMQDeadLetter) {
  const { jobId, eventId, eventType, attemptsMade, failedReason, failedAt } = deadLetter;
  return { jobId, eventId, eventType, attemptsMade, failedReason, failedAt: failedAt ?? null };
}

/** What `show` prints of a dead letter: the summary, the stored body and the request metadata. */
export function deadLetterInFull(deadLetter: BullMQDeadLetter) {
  const { receivedAt, request, body } = deadLetter.delivery;
  return { ...deadLetterSummary(deadLetter), receivedAt, request, body };
}

const oneLine = (text: string) => text.replace(/\s*\n\s*/g, ' ');

/** One aligned row per dead letter under a header, the last error last and on one line. */
export function formatDeadLetterTable(deadLetters: readonly BullMQDeadLetter[]): string {
  const rows = [
    ['job id', 'event id', 'event type', 'attempts', 'failed at', 'last error'],
    ...deadLetters.map((deadLetter) => {
      const summary = deadLetterSummary(deadLetter);
      return [
        summary.jobId,
        summary.eventId,
        summary.eventType,
        String(summary.attemptsMade),
        summary.failedAt ?? '-',
        oneLine(summary.failedReason ?? ''),
      ];
    }),
  ];
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  return rows
    .map((row) =>
      row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0))).join('  '),
    )
    .join('\n');
}

/** One dead letter, field by field, then its body exactly as received. */
export function formatDeadLetter(deadLetter: BullMQDeadLetter): string {
  const full = deadLetterInFull(deadLetter);
  const fields: [string, string | undefined][] = [
    ['job id', full.jobId],
    ['event id', full.eventId],
    ['event type', full.eventType],
    ['attempts made', String(full.attemptsMade)],
    ['failed at', full.failedAt ?? undefined],
    ['last error', full.failedReason],
    ['received at', full.receivedAt],
    ['remote address', full.request?.remoteAddress],
    ['user agent', full.request?.userAgent],
    ['content type', full.request?.contentType],
  ];
  const width = Math.max(...fields.map(([label]) => label.length));
  const lines = fields.map(
    ([label, value]) => `${label.padEnd(width)}  ${(value ?? '-').replace(/\n/g, `\n${' '.repeat(width + 2)}`)}`,
  );
  return `${lines.join('\n')}\nbody (as received):\n${full.body}`;
}
