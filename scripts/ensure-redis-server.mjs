// Integration tests start throwaway `redis-server` and `redis-sentinel` processes. Installs Debian's package when it is
// missing and we may (root with apt-get), so that `pnpm test` works on a fresh machine; otherwise
// says what to install. Never starts a server itself.
import { execFileSync } from 'node:child_process';

const has = (command, args = ['--version']) => {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

// redis-sentinel (the failover scenarios of pnpm test:faults) is Debian's package of its own.
const missing = ['redis-server', 'redis-sentinel'].filter((command) => !has(command));
if (missing.length > 0) {
  if (process.getuid?.() === 0 && has('apt-get', ['--version'])) {
    console.log(`${missing.join(' and ')} missing: installing Debian package(s) ${missing.join(' ')} (apt-get)`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    execFileSync('apt-get', ['install', '-y', '-qq', ...missing], { stdio: 'inherit', env });
  } else {
    console.error(
      `The integration tests need ${missing.join(' and ')}. Install (Debian/Ubuntu: sudo apt-get install -y ${missing.join(' ')}; macOS: brew install redis) and run again.`,
    );
    process.exit(1);
  }
}
