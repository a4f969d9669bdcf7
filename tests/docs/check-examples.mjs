// After `typedoc`: every public class, interface, type, function, variable and method of the API
// reference has an `@example` (typedoc itself checks that each has a summary). Exits 1 naming the
// symbols that lack one.
import { readFileSync } from 'node:fs';

const KINDS = new Map([[32, 'variable'], [64, 'function'], [128, 'class'], [256, 'interface'], [2048, 'method'], [2097152, 'type']]);
const api = JSON.parse(readFileSync(process.argv[2] ?? 'docs/api/api.json', 'utf8'));
const hasExample = (comment) => comment?.blockTags?.some((tag) => tag.tag === '@example') ?? false;
const missing = [];
let checked = 0;

function walk(reflection, trail) {
  const name = [...trail, reflection.name].join('.');
  const kind = KINDS.get(reflection.kind);
  if (kind && !reflection.flags?.isPrivate && !reflection.flags?.isProtected && !reflection.inheritedFrom) {
    checked++;
    if (!hasExample(reflection.comment) && !(reflection.signatures ?? []).some((s) => hasExample(s.comment))) missing.push(`${kind} ${name}`);
  }
  for (const child of reflection.children ?? []) walk(child, [...trail, reflection.name]);
}
for (const child of api.children ?? []) walk(child, []);

if (checked === 0) throw new Error('no public symbol found: is this typedoc JSON output?');
if (missing.length > 0) {
  console.error(`${missing.length} public symbols have no @example:\n  ${missing.join('\n  ')}`);
  process.exit(1);
}
console.log(`docs: all ${checked} public symbols have a summary and an @example`);
