import { AcadleParseError } from '../events/acadle-parse-error.js';
import { NonRetryableError } from '../queue/non-retryable-error.js';
import { ReceiverError } from '../receiver/receiver-error.js';

// A second copy of each module, as an app that loads both the ES module and the CommonJS build has.
function secondCopies() {
  let copies: {
    AcadleParseError: typeof AcadleParseError;
    NonRetryableError: typeof NonRetryableError;
    ReceiverError: typeof ReceiverError;
  };
  jest.isolateModules(() => {
    copies = {
      AcadleParseError: require('../events/acadle-parse-error.js').AcadleParseError,
      NonRetryableError: require('../queue/non-retryable-error.js').NonRetryableError,
      ReceiverError: require('../receiver/receiver-error.js').ReceiverError,
    };
  });
  return copies!;
}

describe('errors from another copy of the package', () => {
  const other = secondCopies();

  it('are other classes (the test would prove nothing otherwise)', () => {
    expect(other.AcadleParseError).not.toBe(AcadleParseError);
    expect(Object.getPrototypeOf(new other.AcadleParseError('invalid_json', []))).not.toBe(AcadleParseError.prototype);
  });

  it('are recognized by instanceof, in both directions', () => {
    expect(new other.AcadleParseError('invalid_json', [])).toBeInstanceOf(AcadleParseError);
    expect(new AcadleParseError('invalid_json', [])).toBeInstanceOf(other.AcadleParseError);
    expect(new other.NonRetryableError('no')).toBeInstanceOf(NonRetryableError);
    expect(new other.ReceiverError('unauthorized', 'no')).toBeInstanceOf(ReceiverError);
  });

  it('are not mistaken for one another, nor for plain errors', () => {
    expect(new other.AcadleParseError('invalid_json', [])).not.toBeInstanceOf(NonRetryableError);
    expect(new other.NonRetryableError('no')).not.toBeInstanceOf(ReceiverError);
    expect(new Error('plain')).not.toBeInstanceOf(AcadleParseError);
    expect({ name: 'AcadleParseError', code: 'invalid_json' }).not.toBeInstanceOf(AcadleParseError);
  });
});
