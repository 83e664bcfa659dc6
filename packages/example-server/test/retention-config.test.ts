// RETENTION_PROCESSED and RETENTION_DEAD_LETTERS, read into what the queues take.
import { loadConfig } from './load-built-config.js';

describe('retention configuration', () => {
  it('keeps processed deliveries 7 days and dead letters 30 days by default', () => {
    expect(loadConfig({}).retention).toEqual({ processedMs: 7 * 86_400_000, deadLettersMs: 30 * 86_400_000 });
  });

  it.each([
    ['30s', 30_000],
    ['15m', 900_000],
    ['12h', 43_200_000],
    ['7d', 604_800_000],
  ])('reads %s as %d ms', (written, ms) => {
    const config = loadConfig({ RETENTION_PROCESSED: written, RETENTION_DEAD_LETTERS: written });
    expect(config.retention).toEqual({ processedMs: ms, deadLettersMs: ms });
  });

  it.each([
    ['RETENTION_PROCESSED', '7'],
    ['RETENTION_PROCESSED', '1w'],
    ['RETENTION_DEAD_LETTERS', '-1d'],
    ['RETENTION_DEAD_LETTERS', '1.5h'],
    ['RETENTION_PROCESSED', '0s'],
    ['RETENTION_PROCESSED', '7 d'],
  ])('refuses %s=%s in one line naming the variable', (name, value) => {
    const { error } = loadConfig({ [name]: value }) as { error: { name: string; message: string } };
    expect(error.name).toBe('ConfigError');
    expect(error.message).toMatch(new RegExp(`^${name}: (a duration such as 30s, 15m, 12h or 7d|at least 1s)`));
    expect(error.message).not.toContain('\n');
  });
});
