import { z } from 'zod';

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** A duration written `30s`, `15m`, `12h` or `7d` (a whole number and one unit), in milliseconds. */
export const duration = z
  .string()
  .regex(/^\d{1,9}[smhd]$/, 'a duration such as 30s, 15m, 12h or 7d (a whole number, then s, m, h or d)')
  .transform((text) => Number(text.slice(0, -1)) * UNIT_MS[text.slice(-1) as keyof typeof UNIT_MS])
  .refine((ms) => ms >= 1000, 'at least 1s');
