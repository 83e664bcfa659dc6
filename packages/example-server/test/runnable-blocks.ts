// Finds the shell blocks of a Markdown document that are marked runnable (syntax: docs-commands.test.ts).

/** A ```sh block marked `<!-- runnable … -->`, with what its marker asks. */
export interface RunnableBlock {
  /** Where the block's fence is, as `file:line`. */
  location: string;
  script: string;
  /** Started in the background, and left running while the later blocks run. */
  background: boolean;
  /** Text a background block prints once it is ready. */
  ready: string | undefined;
  /** Texts its standard output must contain. */
  expect: string[];
  /** Overrides the default time limit. */
  timeoutMs: number | undefined;
}

const MARKER = /^<!--\s*runnable(?::(.*?))?\s*-->\s*$/;
const FENCE = /^(`{3,}|~{3,})(.*)$/;
// `name`, `name="value"` or `name='value'`, then a comma or the end.
const ATTRIBUTE = /\s*([a-z]+)(?:=(?:"([^"]*)"|'([^']*)'))?\s*(?:,|$)/y;

function parseAttributes(text: string, location: string): Omit<RunnableBlock, 'location' | 'script'> {
  const block: Omit<RunnableBlock, 'location' | 'script'> = {
    background: false,
    ready: undefined,
    expect: [],
    timeoutMs: undefined,
  };
  ATTRIBUTE.lastIndex = 0;
  while (ATTRIBUTE.lastIndex < text.length) {
    const start = ATTRIBUTE.lastIndex;
    const match = ATTRIBUTE.exec(text);
    if (match === null || match[0] === '') throw new Error(`${location}: cannot read "${text.slice(start)}"`);
    const [, name, double, single] = match;
    const value = double ?? single;
    if (name === 'background' && value === undefined) block.background = true;
    else if (name === 'ready' && value) block.ready = value;
    else if (name === 'expect' && value) block.expect.push(value);
    else if (name === 'timeout' && value && Number(value) > 0) block.timeoutMs = Number(value) * 1000;
    else throw new Error(`${location}: unknown or incomplete attribute "${match[0].trim()}"`);
  }
  if (block.background !== (block.ready !== undefined)) {
    throw new Error(`${location}: a background block needs ready="…" (and only a background block has one)`);
  }
  return block;
}

/**
 * The runnable blocks of `markdown`, in document order. A marker must sit on the line right before
 * a ```sh fence; a misplaced marker, an unknown attribute or a block that would run the test suite
 * itself is an error rather than a block silently skipped.
 */
export function extractRunnableBlocks(markdown: string, file: string): RunnableBlock[] {
  const lines = markdown.split('\n');
  const blocks: RunnableBlock[] = [];
  let fence: string | undefined;
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index] ?? '';
    const opening = FENCE.exec(line);
    if (fence !== undefined) {
      if (opening && line.trim() === fence) fence = undefined;
      continue;
    }
    if (opening) {
      fence = opening[1];
      continue;
    }
    const marker = MARKER.exec(line.trim());
    if (!marker) continue;
    const location = `${file}:${index + 2}`;
    const next = FENCE.exec(lines[index + 1] ?? '');
    if (next?.[2]?.trim() !== 'sh')
      throw new Error(`${location}: a runnable marker must be followed by a \`\`\`sh fence`);
    const close = lines.findIndex((candidate, at) => at > index + 1 && candidate.trim() === next[1]);
    if (close === -1) throw new Error(`${location}: the \`\`\`sh block is not closed`);
    const script = lines.slice(index + 2, close).join('\n');
    // Jest would start this very test again, and so on.
    if (/\bpnpm\b.*\btest\b/.test(script)) throw new Error(`${location}: a runnable block must not run the tests`);
    blocks.push({ location, script, ...parseAttributes(marker[1] ?? '', location) });
    index = close;
  }
  return blocks;
}
