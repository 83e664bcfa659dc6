/** Where the CLI reads and writes: the process's streams, or buffers in tests. */
export interface CliIo {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  stdin: AsyncIterable<Uint8Array | string>;
}

/** A failure the CLI reports in one sentence, exiting with `exitCode`. */
export class CliError extends Error {
  override readonly name = 'CliError';
  readonly code = 'cli_error';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}
