import { keySlot } from './key-slot.js';

/** The part of an ioredis client (single node, or Cluster) that replica acknowledgement uses. */
interface RedisNode {
  call(command: string, ...args: (string | number)[]): Promise<unknown>;
  options?: { host?: string; port?: number };
}
interface RedisClient extends RedisNode {
  isCluster?: boolean;
  slots?: string[][];
  nodes?(role: 'master'): RedisNode[];
}

/**
 * Waits until enough replicas have copied what a connection wrote, with Redis's `WAIT`. `WAIT`
 * covers every write its connection made before it, and blocks that connection while it waits:
 * calls made while one `WAIT` is out share the next one, so a busy producer sends one `WAIT` per
 * round trip to the replicas rather than one per delivery.
 */
export class ReplicaWaiter {
  #inFlight: Promise<number> | undefined;
  #next: Promise<number> | undefined;

  /**
   * @param options - `client`: the connection that wrote (BullMQ's queue client); `queueKey`: a key
   * of the queue, so that on Cluster `WAIT` goes to the primary of its slot, through the connection
   * that took the writes.
   */
  constructor(
    readonly options: { client: () => Promise<unknown>; queueKey: string; minReplicas: number; timeoutMs: number },
  ) {}

  /** How many replicas acknowledged every write made so far: `minReplicas` or more, or fewer after `timeoutMs`. */
  acknowledged(): Promise<number> {
    if (this.#inFlight === undefined) {
      this.#inFlight = this.#wait().finally(() => {
        this.#inFlight = undefined;
      });
      return this.#inFlight;
    }
    this.#next ??= this.#inFlight
      .catch(() => undefined)
      .then(() => {
        this.#next = undefined;
        return this.acknowledged();
      });
    return this.#next;
  }

  /**
   * The replicas connected to the primary that holds the queue (from `INFO replication`), after a
   * `WAIT 0 0` (answered at once) that fails where a managed service forbids `WAIT`.
   */
  async connectedReplicas(): Promise<number> {
    const node = await this.#node();
    await node.call('WAIT', 0, 0);
    const info = String(await node.call('INFO', 'replication'));
    return Number(/^connected_slaves:(\d+)/m.exec(info)?.[1] ?? 0);
  }

  async #wait(): Promise<number> {
    const { minReplicas, timeoutMs } = this.options;
    return Number(await (await this.#node()).call('WAIT', minReplicas, timeoutMs));
  }

  async #node(): Promise<RedisNode> {
    const client = (await this.options.client()) as RedisClient;
    if (client.isCluster !== true) return client;
    const address = client.slots?.[keySlot(this.options.queueKey)]?.[0];
    const node = client.nodes?.('master').find((node) => `${node.options?.host}:${node.options?.port}` === address);
    if (node === undefined)
      throw new Error(`No Redis Cluster primary known for the queue's slot (${address ?? 'none'})`);
    return node;
  }
}
