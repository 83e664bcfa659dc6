// The tools the tests run for real, each from its Debian package: `redis-server` and `redis-sentinel`
// (throwaway servers of the integration and failover tests) and `promtool` (the alert rules' unit
// tests, from the `prometheus` package) and `chromium` (the admin pages' browser tests, driven by
// playwright-core: nothing downloads a browser). Installs what is missing when we may (root with apt-get), so
// that `pnpm test` works on a fresh machine; otherwise says what to install. Never starts a server.
import { execFileSync } from 'node:child_process';

const has = (command, args = ['--version']) => {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

/** Command -> the Debian package that has it. */
const TOOLS = {
  'redis-server': 'redis-server',
  'redis-sentinel': 'redis-sentinel',
  promtool: 'prometheus',
  chromium: 'chromium',
};

const missing = Object.keys(TOOLS).filter((command) => !has(command));
const packages = [...new Set(missing.map((command) => TOOLS[command]))];
if (missing.length > 0) {
  if (process.getuid?.() === 0 && has('apt-get', ['--version'])) {
    console.log(`${missing.join(', ')} missing: installing Debian package(s) ${packages.join(' ')} (apt-get)`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    // Only the tools: prometheus would otherwise pull its exporters and start them as services.
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], {
      stdio: 'inherit',
      env,
    });
  } else {
    console.error(
      `The tests need ${missing.join(', ')}. Install them (Debian/Ubuntu: sudo apt-get install -y ${packages.join(' ')}; macOS: brew install redis prometheus chromium) and run again.`,
    );
    process.exit(1);
  }
}
