// The npm registry reachable here serves only this platform's builds of packages such as rollup,
// esbuild and unrs-resolver, so `npm install` leaves their other platforms' optional packages out
// of package-lock.json, and `npm ci` then refuses the lock as out of sync. This adds an entry for
// each missing optional platform package, with its os/cpu, so `npm ci` accepts the lock and skips
// them on this platform without fetching. Idempotent; run after `npm install` (CI runs it too).
import { readFileSync, writeFileSync } from 'node:fs';

const file = process.argv[2] ?? 'package-lock.json';
const lock = JSON.parse(readFileSync(file, 'utf8'));
const OS = ['android', 'darwin', 'freebsd', 'linux', 'openbsd', 'openharmony', 'netbsd', 'sunos', 'aix', 'win32', 'cygwin'];
const CPU = ['arm64', 'arm', 'x64', 'ia32', 'loong64', 'ppc64', 'riscv64', 's390x', 'mips64el', 'wasm32'];
let added = 0;
for (const meta of Object.values(lock.packages)) {
  for (const [name, version] of Object.entries(meta.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`;
    if (key in lock.packages) continue;
    const parts = name.split('/').pop().split('-');
    const entry = { version, ...(meta.dev ? { dev: true } : {}), optional: true };
    const os = OS.find((o) => parts.includes(o));
    const cpu = CPU.find((c) => parts.includes(c));
    if (os) entry.os = [os];
    if (cpu) entry.cpu = [cpu];
    if (parts.includes('musl')) entry.libc = ['musl'];
    lock.packages[key] = entry;
    added++;
  }
}
if (added > 0) {
  const [root, ...rest] = Object.entries(lock.packages);
  lock.packages = Object.fromEntries([root, ...rest.sort(([a], [b]) => a.localeCompare(b))]);
  writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
}
console.log(`complete-lockfile: ${added} optional platform package(s) added to ${file}`);
