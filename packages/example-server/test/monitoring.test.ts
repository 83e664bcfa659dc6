// The alert rules and the Grafana dashboard in monitoring/: the rules pass promtool's own checks and
// unit tests, and every metric a rule or a panel reads is one the server exports (scraped from the
// real server, as `pnpm start` runs it).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ServerProcess, startServer } from './server-process.js';

const monitoring = join(__dirname, '..', 'monitoring');
const RULES = join(monitoring, 'acadle-webhooks-alerts.yml');
const DASHBOARD = join(monitoring, 'grafana-dashboard.json');

/** Runs promtool; a missing promtool fails with what to install (`node scripts/ensure-test-tools.mjs`). */
function promtool(...args: string[]): string {
  try {
    return execFileSync('promtool', args, { cwd: monitoring, encoding: 'utf8', stdio: 'pipe' });
  } catch (error) {
    const { code, stdout, stderr } = error as { code?: string; stdout?: string; stderr?: string };
    if (code === 'ENOENT')
      throw new Error('promtool is not installed: apt-get install -y prometheus (pnpm test does it as root)');
    throw new Error(`promtool ${args.join(' ')} failed:\n${stdout}${stderr}`);
  }
}

// PromQL words that are not metrics: functions, aggregations, keywords, and `up`, which Prometheus makes.
const NOT_METRICS = new Set([
  'sum',
  'max',
  'min',
  'avg',
  'count',
  'by',
  'without',
  'rate',
  'increase',
  'delta',
  'histogram_quantile',
  'or',
  'and',
  'unless',
  'on',
  'ignoring',
  'le',
  'up',
]);

/** The metric names an expression reads (label matchers and strings left out). */
function metricsOf(expr: string): string[] {
  const bare = expr
    .replace(/\b(?:by|without|on|ignoring)\s*\([^)]*\)/g, '')
    .replace(/\{[^}]*\}/g, '')
    .replace(/"[^"]*"/g, '')
    .replace(/\[[^\]]*\]/g, '');
  return [...bare.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)]
    .map(([word]) => word)
    .filter((word) => !NOT_METRICS.has(word) && !/^\d/.test(word));
}

/**
 * The names a Prometheus exposition declares (`# TYPE`, so that a gauge without a sample right now,
 * such as the newest dead letter's age when there is none, still counts) or has samples of.
 */
function exported(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const declared = /^# TYPE (\S+) (\S+)/.exec(line);
    if (declared) {
      names.add(declared[1] as string);
      if (declared[2] === 'histogram')
        for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${declared[1]}${suffix}`);
    } else if (line && !line.startsWith('#')) {
      names.add(line.split(/[{ ]/)[0] as string);
    }
  }
  return names;
}

const ruleExpressions = () =>
  [...readFileSync(RULES, 'utf8').matchAll(/expr: (?:>\n)?([\s\S]*?)\n\s+(?:for|labels):/g)].map(([, expr]) =>
    (expr as string).trim(),
  );
const panelExpressions = () =>
  (JSON.parse(readFileSync(DASHBOARD, 'utf8')).panels as { targets: { expr: string }[] }[]).flatMap((panel) =>
    panel.targets.map((target) => target.expr),
  );

describe('alert rules', () => {
  it('pass promtool check rules', () => {
    expect(promtool('check', 'rules', RULES)).toContain('SUCCESS: 5 rules found');
  });

  it('pass their unit tests (promtool test rules): each alert fires when it should, and not before', () => {
    expect(promtool('test', 'rules', 'acadle-webhooks-alerts.test.yml')).toContain('SUCCESS');
  });
});

describe('rules and dashboard against the running server', () => {
  let server: ServerProcess;
  let names: Set<string>;

  beforeAll(async () => {
    server = await startServer({ QUEUE_BACKEND: 'memory', WEBHOOK_TOKENS: 'monitoring_token_0123456789' });
    // One delivery, so that the counters with labels have a sample.
    const answer = await fetch(`${server.url}/webhooks/acadle/monitoring_token_0123456789`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'monitoring-1', type: 'user_registered', data: {} }),
    });
    expect(answer.status).toBe(200);
    names = exported(await (await fetch(`${server.url}/metrics`)).text());
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('reads the expressions it checks (the test would prove nothing otherwise)', () => {
    expect(names.has('acadle_webhook_requests_total')).toBe(true);
    expect(names.has('not_a_metric_of_ours')).toBe(false);
    expect(ruleExpressions()).toHaveLength(5);
    expect(panelExpressions().length).toBeGreaterThanOrEqual(10);
    expect(metricsOf('sum by (result) (rate(acadle_webhook_requests_total{status="503"}[5m])) > 0.05')).toEqual([
      'acadle_webhook_requests_total',
    ]);
  });

  it('every metric a rule uses is exported by the server', () => {
    const used = ruleExpressions().flatMap(metricsOf);
    expect(used).toContain('acadle_webhook_queue_oldest_waiting_seconds');
    expect(used.filter((name) => !names.has(name))).toEqual([]);
  });

  it('every metric a dashboard panel shows is exported by the server', () => {
    const used = panelExpressions().flatMap(metricsOf);
    expect(used.filter((name) => !names.has(name))).toEqual([]);
  });
});
