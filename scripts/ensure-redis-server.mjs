// Integration tests start throwaway `redis-server` processes. Installs Debian's package when it is
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

if (!has('redis-server')) {
  if (process.getuid?.() === 0 && has('apt-get', ['--version'])) {
    console.log('redis-server is missing: installing Debian package redis-server (apt-get)');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    execFileSync('apt-get', ['install', '-y', '-qq', 'redis-server'], { stdio: 'inherit', env });
  } else {
    console.error(
      'The integration tests need redis-server. Install it (Debian/Ubuntu: sudo apt-get install -y redis-server; macOS: brew install redis) and run again.',
    );
    process.exit(1);
  }
}
