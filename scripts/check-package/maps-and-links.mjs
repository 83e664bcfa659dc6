import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CheckError } from './check.mjs';
import { manifest, sdkDir } from './sdk-package.mjs';

/**
 * Proves every file a source map names ships (stack traces and editors follow the maps), and every link
 * of the README (the registry page, and node_modules) points at a shipped file on unpkg or at another site.
 */
export function checkMapsAndLinks(files) {
  const shipped = new Set(files);
  const problems = [];
  let sources = 0;
  for (const file of files.filter((name) => name.endsWith('.map'))) {
    const map = JSON.parse(readFileSync(join(sdkDir, file), 'utf8'));
    for (const source of map.sources) {
      sources += 1;
      const target = join(dirname(file), source);
      if (!shipped.has(target)) problems.push(`${file} names ${source}, which does not ship`);
    }
  }
  const readme = readFileSync(join(sdkDir, 'README.md'), 'utf8');
  const links = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1]);
  const unpkg = `https://unpkg.com/${manifest.name}/`;
  for (const link of links) {
    if (link.startsWith(unpkg)) {
      if (!shipped.has(link.slice(unpkg.length).split('#')[0]))
        problems.push(`README links to ${link}, which does not ship`);
    } else if (!/^https?:\/\//.test(link) && !link.startsWith('#')) {
      if (!shipped.has(link.split('#')[0])) problems.push(`README links to ${link}, which does not ship`);
      // Relative links resolve against npmjs.com on the registry page, where they 404.
      else problems.push(`README links to ${link} relatively: it 404s on the registry page; link to ${unpkg}${link}`);
    }
  }
  if (problems.length > 0) throw new CheckError(problems.join('; '));
  return `${sources} sources named by ${files.filter((name) => name.endsWith('.map')).length} maps all ship; ${links.length} README links resolve`;
}
