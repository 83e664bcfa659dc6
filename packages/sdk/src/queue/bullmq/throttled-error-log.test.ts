import type { Logger } from 'acadle-webhooks';
import { throttledErrorLog } from './throttled-error-log.js';

describe('throttledErrorLog', () => {
  it('logs each distinct error at most once per interval, then says how many repeats it left out', () => {
    const lines: object[] = [];
    const logger = { warn: (fields: object) => void lines.push(fields) } as unknown as Logger;
    let now = 0;
    const clock = jest.spyOn(Date, 'now').mockImplementation(() => now);
    try {
      const log = throttledErrorLog(logger, 'BullMQ worker error', 1000);
      const schema = new Error('schema "bullmq" is not initialized');
      for (let index = 0; index < 5000; index += 1) log(schema);
      log(new Error('connection refused'));
      now = 999;
      log(schema);
      now = 1000;
      log(schema);
      expect(lines).toEqual([{ err: schema }, { err: expect.any(Error) }, { err: schema, repeatsLeftOut: 5000 }]);
    } finally {
      clock.mockRestore();
    }
  });
});
