// The reference server arrives with the receiver issue (HTTP endpoint, queue, worker). Until then,
// `pnpm start` shows what the SDK makes of Acadle's documented example deliveries.
import { parseEvent } from 'acadle-webhooks';
import { fixtures } from 'acadle-webhooks/testing';

for (const body of Object.values(fixtures)) {
  const result = parseEvent(body);
  if (!result.ok) {
    console.error(result.error.message);
    process.exitCode = 1;
    continue;
  }
  const { raw: _raw, ...event } = result.event;
  console.log(JSON.stringify(event, null, 2));
}
