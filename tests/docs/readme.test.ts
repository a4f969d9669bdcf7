import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/**
 * The README's TypeScript examples are part of the contract: each ```ts block is type-checked
 * against the sources, as a module of its own that imports `proxmox-sdk` and `proxmox-sdk/testing`.
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function blocks(markdown: string): string[] {
  return [...markdown.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
}

function diagnose(files: Map<string, string>): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.json'), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); },
  });
  if (!config) throw new Error('cannot read tsconfig.json');
  const options: ts.CompilerOptions = {
    ...config.options,
    noEmit: true,
    baseUrl: root,
    paths: { 'proxmox-sdk': ['src/index.ts'], 'proxmox-sdk/testing': ['src/testing/index.ts'] },
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (f) => files.get(f) ?? readFile(f);
  host.fileExists = (f) => files.has(f) || fileExists(f);
  host.getSourceFile = (f, lang, ...rest) => {
    const text = files.get(f);
    return text === undefined ? getSourceFile(f, lang, ...rest) : ts.createSourceFile(f, text, lang);
  };
  const program = ts.createProgram([...files.keys()], options, host);
  return ts.getPreEmitDiagnostics(program)
    .filter((d) => d.file && files.has(d.file.fileName))
    .map((d) => {
      const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
      return `${d.file!.fileName.slice(root.length + 1)}:${line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
}

test('every TypeScript example of the README type-checks against the sources', () => {
  const examples = blocks(readFileSync(join(root, 'README.md'), 'utf8'));
  expect(examples.length).toBeGreaterThanOrEqual(7);
  const files = new Map(examples.map((code, i) => [join(root, 'tests', 'docs', `readme-example-${i + 1}.ts`), `${code}\nexport {};\n`]));
  // A wrong example in the same program proves the check is not vacuous.
  files.set(join(root, 'tests', 'docs', 'wrong.ts'),
    "import { ProxmoxAPI } from 'proxmox-sdk';\nnew ProxmoxAPI({ host: 'h', tokenId: 'a@pam!b', tokenSecret: 's' }).nosuchmethod();\nexport {};\n");
  const [wrong, others] = partition(diagnose(files), (d) => d.startsWith('tests/docs/wrong.ts'));
  expect(wrong.join('\n')).toMatch(/nosuchmethod/);
  expect(others).toEqual([]);
});

function partition<T>(items: T[], pick: (item: T) => boolean): [T[], T[]] {
  return [items.filter(pick), items.filter((i) => !pick(i))];
}
