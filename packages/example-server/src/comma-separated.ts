import { z } from 'zod';

/** An environment variable holding a list: `a, b,c` -> `['a', 'b', 'c']`, empty items dropped; pipe it to the items' schema. */
export const commaSeparated = z.string().transform((value) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean),
);
