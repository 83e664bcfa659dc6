import { z } from 'zod';

const DIGITS = /^\d{1,16}$/;
const MESSAGE = 'Invalid id: expected a whole number, or a string of digits';

/** An id Acadle documents as a number, which may also arrive as a numeric string: always a number after parsing. */
export const numericIdSchema = z.union([z.number(), z.string()]).transform((id, ctx): number => {
  const value = typeof id === 'number' ? id : DIGITS.test(id) ? Number(id) : Number.NaN;
  if (Number.isSafeInteger(value) && value >= 0) return value;
  ctx.issues.push({ code: 'custom', input: id, message: MESSAGE });
  return z.NEVER;
});
