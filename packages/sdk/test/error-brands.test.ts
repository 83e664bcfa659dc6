import { join } from 'node:path';
import { NonRetryableError, ReceiverError } from 'acadle-webhooks';

// An app that loads both builds (a CommonJS dependency requires the package, the app imports it)
// holds two copies of each class: `instanceof` must still recognize errors from the other copy.
// The CommonJS build (dist/index.js, made by `tsup` before Jest runs) stands in for the other copy.
const otherBuild = require(join(__dirname, '..', 'dist', 'index.js')) as typeof import('acadle-webhooks');

describe('errors across the ESM and CommonJS builds', () => {
  it('recognizes a NonRetryableError from the other build, and nothing else', () => {
    expect(otherBuild.NonRetryableError).not.toBe(NonRetryableError);
    expect(new otherBuild.NonRetryableError('no retry')).toBeInstanceOf(NonRetryableError);
    expect(new NonRetryableError('no retry')).toBeInstanceOf(otherBuild.NonRetryableError);
    expect(new Error('plain')).not.toBeInstanceOf(NonRetryableError);
    expect(new otherBuild.ReceiverError('queue_unavailable', 'down')).not.toBeInstanceOf(NonRetryableError);
  });

  it('recognizes a ReceiverError from the other build, with its status', () => {
    const error = new otherBuild.ReceiverError('enqueue_timeout', 'slow');
    expect(error).toBeInstanceOf(ReceiverError);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ code: 'enqueue_timeout', status: 503 });
    expect(new NonRetryableError('no retry')).not.toBeInstanceOf(ReceiverError);
  });
});
