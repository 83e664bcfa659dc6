/** Whether `error` is Node's failure to find the module `name` itself (not one of its own imports). */
export function isModuleNotFound(error: unknown, name: string): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown };
  return code === 'MODULE_NOT_FOUND' && typeof message === 'string' && message.includes(`'${name}'`);
}
