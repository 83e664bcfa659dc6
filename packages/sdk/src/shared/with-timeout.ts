/**
 * `promise`, or a rejection with `onTimeout()` once `timeoutMs` has passed, whichever comes first.
 * The timer is cleared as soon as `promise` settles; `promise` itself is neither cancelled nor awaited
 * further (what it does after the deadline is the caller's business).
 */
export function withTimeout<T>(promise: Promise<T>, timeoutMs: number, onTimeout: () => Error): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), timeoutMs);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
