import { join } from 'node:path';
import { CheckError } from './check.mjs';
import { TYPE_CONFIGS } from './consumer-project.mjs';
import { run } from './run.mjs';

/** Starts one `tsc --noEmit` per resolution of TYPE_CONFIGS in the consumer project, all at once; names each. */
export function startTypeChecks(project) {
  const tsc = join(project, 'node_modules', 'typescript', 'bin', 'tsc');
  return Object.entries(TYPE_CONFIGS).map(([name, { files }]) => ({
    name: `tsc --noEmit, ${name} resolution (${files.filter((file) => !file.startsWith('readme-')).join(', ')}${
      files.some((file) => file.startsWith('readme-')) ? ', README examples' : ''
    })`,
    result: run(process.execPath, [tsc, '-p', `tsconfig.${name}.json`], { cwd: project }),
  }));
}

/** Proves one of those compilations found no type error: narrowing works and every @ts-expect-error holds. */
export async function checkTypes(result) {
  const { code, stdout, stderr } = await result;
  if (code !== 0) throw new CheckError(`type errors (exit ${code})`, `${stdout}${stderr}`);
  return 'narrowing makes data.course.completed_at a Date; every @ts-expect-error holds';
}
