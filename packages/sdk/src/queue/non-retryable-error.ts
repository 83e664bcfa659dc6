import { brandOf, hasBrand, setBrand } from '../shared/brand.js';

const BRAND = brandOf('NonRetryableError');

/**
 * Thrown by a processor or handler for a delivery that no retry can fix (e.g. a payload that fails
 * its schema): the queue moves it to the dead letters at once instead of retrying. Recognized by
 * `instanceof` across the ESM and CommonJS builds, so an app that loads both still gets it right.
 *
 * @example
 * ```ts
 * user_registered: async (event) => {
 *   if (!event.data.user.email.includes('@')) throw new NonRetryableError('No usable email address');
 * },
 * ```
 */
export class NonRetryableError extends Error {
  /** Always `'NonRetryableError'`. */
  override readonly name = 'NonRetryableError';
  /** Always `'non_retryable'`. */
  readonly code = 'non_retryable';

  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    setBrand(this, BRAND);
  }

  /** `true` for a `NonRetryableError` from either build of this package. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(value, BRAND);
  }
}
