/**
 * Loose building blocks of the response schemas of the Cluster, Node, Storage and Pool classes:
 * numbers and booleans as Proxmox sends them (`1`, `"1"`, `true`), coerced to what a script expects.
 *
 * @module
 */
import { z } from 'zod';

/**
 * A number Proxmox may send as a string (`"4096"`): coerced to a number.
 *
 * @example
 * ```ts
 * looseNumber.parse('4096'); // 4096
 * ```
 */
export const looseNumber = z.coerce.number();

/**
 * A Proxmox boolean: `true`/`false`, `1`/`0` or `"1"`/`"0"` (and `"yes"`/`"no"`, `"on"`/`"off"`),
 * read as a boolean.
 *
 * @example
 * ```ts
 * looseBoolean.parse(1);   // true
 * looseBoolean.parse('0'); // false
 * ```
 */
export const looseBoolean = z
  .union([z.boolean(), z.number(), z.string()])
  .transform((v) => v === true || v === 1 || (typeof v === 'string' && /^(1|true|yes|on)$/i.test(v)));

/**
 * A value that some releases send as a property string (`"keep-last=3"`) and others as an object.
 *
 * @example
 * ```ts
 * propertyStringOrObject.parse('keep-last=3');     // 'keep-last=3'
 * propertyStringOrObject.parse({ 'keep-last': 3 }); // { 'keep-last': 3 }
 * ```
 */
export const propertyStringOrObject = z.union([z.string(), z.record(z.string(), z.unknown())]);

/**
 * A text field Proxmox may send as a number (an id or name that looks numeric, `compress: 0`): read
 * as a string.
 *
 * @example
 * ```ts
 * looseString.parse(0);     // '0'
 * looseString.parse('zstd'); // 'zstd'
 * ```
 */
export const looseString = z.union([z.string(), z.number()]).transform(String);
