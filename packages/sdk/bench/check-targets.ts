// The targets checked at the end of a run, each read from the rows it names by their `id` (never by
// their label, which is for people and may change); a part that did not run has no targets.
import type { ReportSections } from './report-sections.js';

export interface Target {
  target: string;
  value: number | undefined;
  met: boolean;
  id: string;
}

/** The row of `rows` with this `id`. */
const rowById = <Row extends { id: string }>(rows: Row[], id: Row['id']) => rows.find((row) => row.id === id);

function serverTargets({ server }: ReportSections): Target[] {
  if (server.length === 0) return [];
  const embedded = rowById(server, 'embedded');
  const redisWeb = rowById(server, 'redis-web');
  return [
    {
      target: 'reference server, embedded default >= 0.5 of bare Express req/s',
      value: embedded?.['vs bare Express'],
      met: (embedded?.['vs bare Express'] ?? 0) >= 0.5,
      id: 'server-embedded-throughput',
    },
    {
      target: 'reference server, embedded default p99 <= 3x bare Express',
      value: embedded?.['p99 vs bare Express'],
      met: (embedded?.['p99 vs bare Express'] ?? Number.POSITIVE_INFINITY) <= 3,
      id: 'server-embedded-p99',
    },
    {
      target: 'reference server, Redis ROLE=web >= 0.75 of bare Express req/s',
      value: redisWeb?.['vs bare Express'],
      met: (redisWeb?.['vs bare Express'] ?? 0) >= 0.75,
      id: 'server-redis-web-throughput',
    },
  ];
}

function enqueueTargets({ enqueue }: ReportSections): Target[] {
  if (enqueue.length === 0) return [];
  const groupCommit = rowById(enqueue, 'group-commit');
  return [
    {
      target: 'BullMQQueue PostgreSQL enqueue, group commit >= 3x single adds',
      value: groupCommit?.['vs single adds'],
      met: Number(groupCommit?.['vs single adds'] ?? 0) >= 3,
      id: 'enqueue-group-commit',
    },
  ];
}

function ackTargets({ acknowledgement }: ReportSections): Target[] {
  if (acknowledgement.length === 0) return [];
  const memory = rowById(acknowledgement, 'sdk-memory');
  const express = rowById(acknowledgement, 'express');
  const adapters = [
    ['Express', 'express', rowById(acknowledgement, 'sdk-redis')],
    ['node:http', 'node', rowById(acknowledgement, 'sdk-node-redis')],
  ] as const;
  return [
    {
      target: 'SDK + MemoryQueue >= 0.90 of bare Express req/s',
      value: memory?.['vs bare Express'],
      met: (memory?.['vs bare Express'] ?? 0) >= 0.9,
      id: 'ack-memory-throughput',
    },
    {
      target: 'SDK + MemoryQueue p99 <= 1.5x bare Express',
      value: Number(((memory?.['p99 ms'] ?? 0) / (express?.['p99 ms'] || 1)).toFixed(2)),
      met: (memory?.['p99 ms'] ?? 0) <= 1.5 * (express?.['p99 ms'] ?? 0),
      id: 'ack-memory-p99',
    },
    ...adapters.flatMap(([adapter, adapterId, entry]) => [
      {
        target: `SDK ${adapter} adapter + Redis >= 0.75 of bare Express req/s`,
        value: entry?.['vs bare Express'],
        met: (entry?.['vs bare Express'] ?? 0) >= 0.75,
        id: `ack-${adapterId}-redis-throughput`,
      },
      {
        target: `SDK ${adapter} adapter + Redis >= hand-written req/s`,
        value: entry?.['vs hand-written'],
        met: (entry?.['vs hand-written'] ?? 0) >= 1,
        id: `ack-${adapterId}-redis-vs-hand-written`,
      },
    ]),
  ];
}

function parseTargets({ parse }: ReportSections): Target[] {
  if (parse.length === 0) return [];
  return [
    {
      target: 'parseEvent <= 2.5x JSON.parse (worst fixture)',
      value: Math.max(...parse.map((entry) => entry.ratio)),
      met: parse.every((entry) => entry.ratio <= 2.5),
      id: 'parse-worst-fixture',
    },
  ];
}

function pipelineTargets({ pipeline }: ReportSections): Target[] {
  return pipeline.flatMap((entry) =>
    (
      [
        ['Express', 'express'],
        ['node:http', 'node'],
      ] as const
    ).map(([adapter, adapterId]) => ({
      target: `pipeline (${adapter}) on ${entry.backend} >= 0.85 of raw BullMQ`,
      value: entry[`ratio ${adapter}`],
      met: entry[`ratio ${adapter}`] >= 0.85,
      id: `pipeline-${entry.id}-${adapterId}`,
    })),
  );
}

/** Every target of the parts that ran, in the order the report has always listed them. */
export function checkTargets(sections: ReportSections): Target[] {
  return [
    ...serverTargets(sections),
    ...enqueueTargets(sections),
    ...ackTargets(sections),
    ...parseTargets(sections),
    ...pipelineTargets(sections),
  ];
}
