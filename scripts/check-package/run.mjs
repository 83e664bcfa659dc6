// Runs a command to its end and collects its output, as the checks need it (never inherits the terminal).
import { spawn } from 'node:child_process';
import { CheckError } from './check.mjs';
import { root } from './sdk-package.mjs';

// pnpm passes its own settings to scripts as npm_config_*; npm would warn about them.
export const childEnv = Object.fromEntries(
  Object.entries(process.env).filter(([key]) => !/^npm_config_verify_deps_before_run$/i.test(key)),
);

/** Runs `command` and resolves with its exit code (or signal) and output; never rejects. */
export function run(command, args, { cwd = root, timeoutMs = 120_000, env = childEnv } = {}) {
  return new Promise((resolvePromise) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolvePromise({ code: -1, stdout, stderr: `${stderr}${error.message}` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code: code ?? (signal ? `${signal} (timed out after ${timeoutMs} ms?)` : -1), stdout, stderr });
    });
  });
}

/** Like `run`, but a non-zero exit fails the check with `message` and the command's output. */
export async function runOrThrow(message, command, args, options) {
  const result = await run(command, args, options);
  if (result.code !== 0) throw new CheckError(`${message} (exit ${result.code})`, `${result.stdout}${result.stderr}`);
  return result;
}
