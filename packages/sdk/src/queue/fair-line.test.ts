import { FairLine } from './fair-line.js';

describe('FairLine', () => {
  it('takes academies in turn: a backlog of one delays another by one delivery at most', () => {
    const line = new FairLine<string>();
    for (let index = 0; index < 5; index += 1) line.push('a', `a${index}`);
    line.push('b', 'b0');
    line.push('b', 'b1');
    const taken = Array.from({ length: 7 }, () => line.next());
    expect(taken).toEqual(['a0', 'b0', 'a1', 'b1', 'a2', 'a3', 'a4']);
    expect(line.next()).toBeUndefined();
    expect(line.size).toBe(0);
  });

  it('keeps a paused academy in line, skipped until it is resumed', () => {
    const line = new FairLine<string>();
    line.push('a', 'a0');
    line.push('b', 'b0');
    line.push('a', 'a1');
    line.pause('a');
    expect(line.paused()).toEqual(['a']);
    expect(line.next()).toBe('b0');
    expect(line.next()).toBeUndefined();
    expect(line.size).toBe(2);
    line.resume('a');
    expect([line.next(), line.next(), line.next()]).toEqual(['a0', 'a1', undefined]);
  });
});
