import { CheckError } from './check.mjs';
import { referencedFiles } from './sdk-package.mjs';

/** Proves the tarball holds the README, changelog, LICENSE and every export and bin target, and nothing unreferenced. */
export function checkTarballContents(files) {
  const shipped = new Set(files);
  const referenced = referencedFiles();
  const problems = [];
  for (const file of ['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE', ...referenced]) {
    if (!shipped.has(file)) problems.push(`${file} is not in the tarball`);
  }
  for (const file of files) {
    const allowed =
      file.startsWith('dist/') ||
      /^(package\.json|README\.md|CHANGELOG\.md|LICENSE)$/.test(file) ||
      file.startsWith('bin/') ||
      // The sources the source maps name, and the guides the README links to.
      (/^src\/.+\.ts$/.test(file) && !file.endsWith('.test.ts')) ||
      /^docs\/[\w-]+\.md$/.test(file);
    if (!allowed) problems.push(`${file} should not ship`);
    // A built entry that nothing points at is dead weight, or an export someone forgot.
    if (/\.(c|m)?js$/.test(file) && !referenced.has(file)) problems.push(`${file} ships but no export or bin uses it`);
  }
  if (problems.length > 0) throw new CheckError(problems.join('; '));
  return 'README.md, CHANGELOG.md, LICENSE, every export and bin target; nothing unreferenced';
}
