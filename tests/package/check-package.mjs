// Checks the BUILT package (run after `npm run build`): both `import` and `require` of `proxmox-sdk`
// and `proxmox-sdk/testing` resolve through the exports map, and each build talks to a simulator
// started from the same build (so the shipped fixtures are found from dist/ too).
import { createRequire } from 'node:module';
import assert from 'node:assert/strict';

const require = createRequire(import.meta.url);
const builds = {
  esm: { sdk: await import('proxmox-sdk'), testing: await import('proxmox-sdk/testing') },
  cjs: { sdk: require('proxmox-sdk'), testing: require('proxmox-sdk/testing') },
};
assert.match(require.resolve('proxmox-sdk'), /dist[\\/]index\.cjs$/);

for (const [kind, { sdk, testing }] of Object.entries(builds)) {
  const sim = await testing.startSimulator();
  const api = new sdk.ProxmoxAPI({ host: sim.url, tokenId: sim.tokenId, tokenSecret: sim.tokenSecret, tls: { fingerprint: sim.fingerprint } });
  try {
    const version = await api.version();
    assert.equal(version.release, sim.release);
    const nodes = await new sdk.Cluster(api).nodes();
    assert.ok(nodes.length > 0 && nodes.every((n) => n instanceof sdk.Node));
    await assert.rejects(api.get('/nodes/nosuchnode/status'), sdk.ProxmoxError);
    console.log(`package ${kind}: ok (Proxmox ${version.version}, ${nodes.length} nodes)`);
  } finally {
    api.close();
    await sim.close();
  }
}
