// Runs one check at a time: one line each, `ok` or `FAIL` with the end of the output that explains it.
export class CheckError extends Error {
  constructor(message, output = '') {
    super(message);
    this.output = output;
  }
}

/** The names of the checks that failed so far, in order. */
export const failures = [];

/** Runs one check and prints one line for it; returns whether it passed. */
export async function check(name, body, started = performance.now()) {
  try {
    const detail = await body();
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`ok    ${name}${detail ? `: ${detail}` : ''} (${seconds} s)`);
    return true;
  } catch (error) {
    failures.push(name);
    console.log(`FAIL  ${name}: ${error instanceof Error ? error.message : String(error)}`);
    const output = error instanceof CheckError ? error.output.trim() : error instanceof Error ? error.stack : '';
    if (output)
      console.log(
        output
          .split('\n')
          .slice(-40)
          .map((line) => `      ${line}`)
          .join('\n'),
      );
    return false;
  }
}

/** Fails the current check with `message` unless `condition` holds. */
export function assert(condition, message) {
  if (!condition) throw new CheckError(message);
}
