import { extractRunnableBlocks } from './runnable-blocks.js';

const fence = '```';

describe('extractRunnableBlocks', () => {
  it('reads marked sh blocks in order, with their attributes, and skips unmarked ones', () => {
    const markdown = [
      '# Title',
      `${fence}sh`,
      'echo not marked',
      fence,
      '<!-- runnable: background, ready="listening", expect="event processed", expect=\'"ok":true\', timeout="90" -->',
      `${fence}sh`,
      'pnpm start',
      fence,
      'Text.',
      '',
      '<!-- runnable -->',
      `${fence}sh`,
      'curl -s localhost:3000/healthz \\',
      '  -H "x: y"',
      fence,
    ].join('\n');
    expect(extractRunnableBlocks(markdown, 'doc.md')).toEqual([
      {
        location: 'doc.md:6',
        script: 'pnpm start',
        background: true,
        ready: 'listening',
        expect: ['event processed', '"ok":true'],
        timeoutMs: 90_000,
      },
      {
        location: 'doc.md:12',
        script: 'curl -s localhost:3000/healthz \\\n  -H "x: y"',
        background: false,
        ready: undefined,
        expect: [],
        timeoutMs: undefined,
      },
    ]);
  });

  it('ignores a marker shown inside a code block', () => {
    const markdown = ['````md', '<!-- runnable -->', `${fence}sh`, 'echo example', fence, '````'].join('\n');
    expect(extractRunnableBlocks(markdown, 'doc.md')).toEqual([]);
  });

  it.each([
    [
      'a marker not right before a sh fence',
      ['<!-- runnable -->', '', `${fence}sh`, 'ls', fence],
      /doc.md:2: .*```sh fence/,
    ],
    ['a marker before another language', ['<!-- runnable -->', `${fence}ts`, 'x', fence], /```sh fence/],
    ['an unknown attribute', ['<!-- runnable: exepct="x" -->', `${fence}sh`, 'ls', fence], /unknown .*exepct/],
    [
      'attributes without commas',
      ['<!-- runnable: background ready="x" -->', `${fence}sh`, 'ls', fence],
      /cannot read/,
    ],
    ['ready without background', ['<!-- runnable: ready="x" -->', `${fence}sh`, 'ls', fence], /background/],
    ['background without ready', ['<!-- runnable: background -->', `${fence}sh`, 'ls', fence], /background/],
    ['an unclosed block', ['<!-- runnable -->', `${fence}sh`, 'ls'], /not closed/],
    ['a block that runs the tests', ['<!-- runnable -->', `${fence}sh`, 'pnpm install && pnpm test', fence], /tests/],
  ])('rejects %s', (_, lines, message) => {
    expect(() => extractRunnableBlocks(lines.join('\n'), 'doc.md')).toThrow(message);
  });
});
