// The nine ack servers that the acknowledgement and scale parts measure: started once, on first use,
// and shared by those parts, so that running both starts them once (as a single run always did).
import { ACK_SERVER_KINDS } from './ack-server-kinds.js';
import type { AckServerPool } from './benchmark.js';
import { type AckServer, startAckServer } from './start-ack-server.js';

/** A pool of every ack server kind, the PostgreSQL ones on `postgres` and the others on `redis`. */
export function createAckServerPool(redis: object, postgres: object): AckServerPool & { stop(): void } {
  const started: AckServer[] = [];
  let all: Promise<AckServer[]> | undefined;
  return {
    servers() {
      all ??= (async () => {
        for (const kind of ACK_SERVER_KINDS) {
          started.push(await startAckServer(kind, kind.endsWith('postgres') ? postgres : redis));
        }
        return started;
      })();
      return all;
    },
    stop() {
      for (const server of started.splice(0)) server.child.kill();
      all = undefined;
    },
  };
}
