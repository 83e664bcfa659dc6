import { keySlot } from './key-slot.js';

describe('keySlot', () => {
  it('matches the slots Redis Cluster gives (CLUSTER KEYSLOT)', () => {
    expect(keySlot('123456789')).toBe(12739);
    expect(keySlot('foo')).toBe(12182);
    expect(keySlot('')).toBe(0);
  });

  it('hashes only the hash tag, so every key of a queue lands in one slot', () => {
    expect(keySlot('{acadle-webhooks}:acadle-webhooks:wait')).toBe(keySlot('acadle-webhooks'));
    expect(keySlot('{acadle-webhooks}:acadle-webhooks:de:evt_1')).toBe(keySlot('acadle-webhooks'));
  });

  it('hashes the whole key when the braces are empty or unclosed', () => {
    expect(keySlot('{}foo')).not.toBe(keySlot(''));
    expect(keySlot('{foo')).toBe(keySlot('{foo'));
    expect(keySlot('a{}b')).toBe(keySlot('a{}b'));
  });
});
