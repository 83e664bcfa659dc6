// bench/results/<name>.json: the machine, each part's settings, every figure and the targets of one run.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import type { Sections } from './benchmark.js';
import type { Target } from './target.js';

/** Writes the report as bench/results/`name` and returns its path and the run's duration. */
export function writeReport(
  name: string,
  run: {
    smoke: boolean;
    /** By part id. */
    settings: Record<string, unknown>;
    sections: Sections;
    targets: Target[];
    startedAt: number;
  },
): { file: string; durationSeconds: number } {
  const report = {
    date: new Date().toISOString(),
    smoke: run.smoke,
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      platform: `${os.type()} ${os.release()}`,
    },
    settings: run.settings,
    ...run.sections,
    targets: run.targets,
    durationSeconds: Math.round((Date.now() - run.startedAt) / 1000),
  };
  const directory = join(__dirname, 'results');
  mkdirSync(directory, { recursive: true });
  const file = join(directory, name);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return { file, durationSeconds: report.durationSeconds };
}
