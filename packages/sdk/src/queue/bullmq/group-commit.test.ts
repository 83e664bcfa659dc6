import { GroupCommit } from './group-commit.js';

/** A write whose batches are recorded and finished by the test. */
function controlledWrite() {
  const batches: { items: number[]; finish(): void; fail(error: Error): void }[] = [];
  const write = (items: number[]) =>
    new Promise<string[]>((resolve, reject) => {
      batches.push({ items, finish: () => resolve(items.map((item) => `stored-${item}`)), fail: reject });
    });
  return { batches, write };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('GroupCommit', () => {
  it('writes an item submitted while idle at once, alone', async () => {
    const { batches, write } = controlledWrite();
    const commits = new GroupCommit({ write, maxBatchSize: 10, maxConcurrentWrites: 1 });
    const result = commits.submit(1);
    expect(batches.map((batch) => batch.items)).toEqual([[1]]);
    batches[0]?.finish();
    await expect(result).resolves.toBe('stored-1');
  });

  it('gathers items submitted during a write into the next one, each caller getting its own result', async () => {
    const { batches, write } = controlledWrite();
    const commits = new GroupCommit({ write, maxBatchSize: 10, maxConcurrentWrites: 1 });
    const results = [1, 2, 3, 4].map((item) => commits.submit(item));
    expect(batches.map((batch) => batch.items)).toEqual([[1]]);
    expect(commits.waiting).toBe(3);
    batches[0]?.finish();
    await settle();
    expect(batches.map((batch) => batch.items)).toEqual([[1], [2, 3, 4]]);
    batches[1]?.finish();
    await expect(Promise.all(results)).resolves.toEqual(['stored-1', 'stored-2', 'stored-3', 'stored-4']);
  });

  it('never puts more than maxBatchSize items in a write, nor runs more than maxConcurrentWrites at once', async () => {
    const { batches, write } = controlledWrite();
    const commits = new GroupCommit({ write, maxBatchSize: 3, maxConcurrentWrites: 2 });
    const results = Array.from({ length: 10 }, (_, item) => commits.submit(item));
    // The first two arrive while slots are free: each is written at once, alone.
    expect(batches.map((batch) => batch.items)).toEqual([[0], [1]]);
    batches[1]?.finish();
    await settle();
    expect(batches.map((batch) => batch.items)).toEqual([[0], [1], [2, 3, 4]]);
    batches[0]?.finish();
    await settle();
    expect(batches.map((batch) => batch.items)).toEqual([[0], [1], [2, 3, 4], [5, 6, 7]]);
    batches[2]?.finish();
    await settle();
    expect(batches.at(-1)?.items).toEqual([8, 9]);
    for (const batch of batches.slice(3)) batch.finish();
    await expect(Promise.all(results)).resolves.toHaveLength(10);
  });

  it('fails every item of a failed write, and goes on with the next', async () => {
    const { batches, write } = controlledWrite();
    const commits = new GroupCommit({ write, maxBatchSize: 10, maxConcurrentWrites: 1 });
    const first = commits.submit(1);
    const second = commits.submit(2);
    const third = commits.submit(3);
    batches[0]?.finish();
    await settle();
    batches[1]?.fail(new Error('store down'));
    await expect(first).resolves.toBe('stored-1');
    await expect(second).rejects.toThrow('store down');
    await expect(third).rejects.toThrow('store down');
    const fourth = commits.submit(4);
    batches[2]?.finish();
    await expect(fourth).resolves.toBe('stored-4');
  });

  it('fails the batch when the write returns a result count that does not match', async () => {
    const commits = new GroupCommit({ write: async () => ['only one'], maxBatchSize: 10, maxConcurrentWrites: 1 });
    const blocker = commits.submit(0);
    const both = [commits.submit(1), commits.submit(2)];
    await expect(blocker).resolves.toBe('only one');
    for (const result of both) await expect(result).rejects.toThrow('returned 1 results for 2 items');
  });

  it('fails the items when the write throws synchronously', async () => {
    const commits = new GroupCommit<number, string>({
      write: () => {
        throw new Error('bad state');
      },
      maxBatchSize: 10,
      maxConcurrentWrites: 1,
    });
    await expect(commits.submit(1)).rejects.toThrow('bad state');
  });

  it('refuses a batch size or write count below 1', () => {
    const write = async () => [];
    expect(() => new GroupCommit({ write, maxBatchSize: 0, maxConcurrentWrites: 1 })).toThrow('maxBatchSize');
    expect(() => new GroupCommit({ write, maxBatchSize: 1, maxConcurrentWrites: 0.5 })).toThrow('maxConcurrentWrites');
  });
});
