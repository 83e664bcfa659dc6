import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Whether process `pid` exists. */
export const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** The command line of process `pid` (from /proc, else `ps`), or `undefined` when neither can tell. */
function commandLineOf(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    try {
      return execFileSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8', stdio: 'pipe' });
    } catch {
      return undefined;
    }
  }
}

/** Resolves once process `pid` has exited, or after `timeoutMs` (polled every 100 ms). */
export async function waitForExit(pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
}

/** Whether `pid` is a valid process id. */
export const isPid = (pid: number | undefined): pid is number => Number.isInteger(pid) && (pid as number) > 0;

/**
 * Whether process `pid` runs with a command line that mentions every one of `marks` (after a reboot a
 * pid may be anyone's); `whenUnknown` when its command line cannot be read.
 */
export function runsWith(pid: number | undefined, marks: string[], whenUnknown: boolean): boolean {
  if (!isPid(pid) || !isAlive(pid)) return false;
  const commandLine = commandLineOf(pid);
  return commandLine === undefined ? whenUnknown : marks.every((mark) => commandLine.includes(mark));
}
