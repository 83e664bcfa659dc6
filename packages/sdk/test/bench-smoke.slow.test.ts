import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// A few seconds of every benchmark, so that `pnpm bench` cannot rot: each server kind answers
// under load, the pipeline drains, the report is written. The figures themselves are not checked.
describe('pnpm bench --smoke', () => {
  it('runs every part and writes a report with every section', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'bench/run-all.ts', '--smoke'], {
      cwd: join(__dirname, '..'),
      encoding: 'utf8',
      timeout: 350_000,
    });
    if (run.status !== 0) throw new Error(`pnpm bench --smoke failed (${run.status}):\n${run.stderr}`);
    const report = JSON.parse(readFileSync(join(__dirname, '..', 'bench', 'results', 'smoke.json'), 'utf8'));
    expect(report.smoke).toBe(true);
    // The reference server as `pnpm start` runs it: bare Express, the embedded default, Redis ROLE=web, no yield.
    expect(report.server).toHaveLength(4);
    for (const row of report.server) expect(row['requests/s']).toBeGreaterThan(0);
    expect(Object.values(report.serverPipeline[0])[1]).toBeGreaterThan(0);
    expect(report.enqueue.map((row: { 'vs single adds': number }) => row['vs single adds'])).toHaveLength(2);
    expect(report.acknowledgement.map((row: { server: string }) => row.server)).toHaveLength(9);
    for (const row of report.acknowledgement) expect(row['requests/s']).toBeGreaterThan(0);
    expect(report.scale.length).toBeGreaterThan(0);
    expect(report.pipeline.map((row: { backend: string }) => row.backend)).toEqual(['Redis', 'PostgreSQL (embedded)']);
    expect(report.parse).toHaveLength(5);
    expect(report.replicas.map((row: { 'requests/s': number }) => row['requests/s'] > 0)).toEqual([true, true]);
    expect(report.tracing.map((row: { tracing: string }) => row.tracing)).toHaveLength(5);
    expect(report.tracing.at(-1)['spans exported']).toBeGreaterThan(0);
    expect(report.targets.length).toBeGreaterThanOrEqual(14);
  }, 360_000);
});
