// Errors recognized by `instanceof` across the ESM and CommonJS builds of this package (an app may load
// both): each instance carries a `Symbol.for` brand, which both builds share, and each class's
// `Symbol.hasInstance` looks for it instead of at the prototype chain.

/** The brand of the error class `name`, shared by every copy of this package in a process. */
export const brandOf = (name: string): symbol => Symbol.for(`acadle-webhooks.${name}`);

/** Marks `instance` with `brand` (not enumerable, so logs and JSON never show it). */
export function setBrand(instance: object, brand: symbol): void {
  Object.defineProperty(instance, brand, { value: true });
}

/** Whether `value` carries `brand`. */
export function hasBrand(value: unknown, brand: symbol): boolean {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
}
