/**
 * Firewalls end to end at every level (cluster, node, VM, container): rules created, read,
 * changed, moved and deleted, options set and read, digests honoured, release gates, per release.
 */
import { Container, Firewall, VM } from '../../src/index.js';
import { describeEachRelease } from '../support/oracle.js';
import { useSimulator } from './guest-sim.js';

describeEachRelease('Firewall e2e', (release) => {
  const ctx = useSimulator(release);

  it('VM 100: the seeded rules and options', async () => {
    const fw = new VM(ctx.api, 'pve1', 100).firewall;
    const rules = await fw.rules();
    expect(rules.map((r) => [r.pos, r.type, r.action, r.dport ?? r.macro])).toEqual([
      [0, 'in', 'ACCEPT', '443'],
      [1, 'in', 'ACCEPT', 'SSH'],
    ]);
    expect(await fw.options()).toMatchObject({ enable: 1, policy_in: 'DROP' });
  });

  const levels: Array<[string, (api: typeof ctx.api) => Firewall]> = [
    ['cluster', (api) => Firewall.cluster(api)],
    ['node', (api) => Firewall.node(api, 'pve2')],
    ['VM', (api) => new VM(api, 'pve1', 101).firewall],
    ['container', (api) => new Container(api, 'pve1', 200).firewall],
  ];
  for (const [name, make] of levels) {
    it(`${name}: rule create, read, update, move, delete`, async () => {
      const fw = make(ctx.api);
      const before = (await fw.rules()).length;
      await fw.ruleCreate({ type: 'in', action: 'ACCEPT', proto: 'tcp', dport: '22', enable: true, comment: 'ssh' });
      await fw.ruleCreate({ type: 'out', action: 'DROP', dest: '10.0.0.0/8', log: 'info' });
      const top = async () => (await fw.rules()).slice(0, 2).map((r) => `${r.type} ${r.action}`);
      expect(await top()).toEqual(['out DROP', 'in ACCEPT']);

      const ssh = await fw.rule(1);
      expect(ssh).toMatchObject({ pos: 1, type: 'in', action: 'ACCEPT', dport: '22', enable: 1, comment: 'ssh' });

      await fw.ruleUpdate(1, { comment: 'ssh from lan', source: '192.168.0.0/16' }, { delete: ['dport'] });
      const updated = await fw.rule(1);
      expect(updated).toMatchObject({ comment: 'ssh from lan', source: '192.168.0.0/16' });
      expect(updated.dport).toBeUndefined();

      await fw.ruleMove(1, 0);
      expect(await top()).toEqual(['in ACCEPT', 'out DROP']);

      await fw.ruleDelete(0);
      expect((await fw.rules()).length).toBe(before + 1);
      expect((await top())[0]).toBe('out DROP');
    });

    it(`${name}: a stale digest is refused`, async () => {
      const fw = make(ctx.api);
      await fw.ruleCreate({ type: 'in', action: 'ACCEPT', macro: 'HTTP' });
      const digest = (await fw.rules())[0]?.digest;
      expect(typeof digest).toBe('string');
      await fw.ruleCreate({ type: 'in', action: 'ACCEPT', macro: 'HTTPS' });
      await expect(fw.ruleDelete(0, { digest: String(digest) })).rejects.toThrow(/modified|digest/i);
    });

    it(`${name}: forward rules from 8.0`, async () => {
      const fw = make(ctx.api);
      if (release === '7.4') {
        await expect(fw.ruleCreate({ type: 'forward', action: 'ACCEPT' })).rejects.toMatchObject({ name: 'UnsupportedError' });
      } else {
        await fw.ruleCreate({ type: 'forward', action: 'ACCEPT', dest: '10.0.0.0/8' });
        expect((await fw.rule(0)).type).toBe('forward');
      }
    });
  }

  it('guest options: set, read back, delete', async () => {
    for (const fw of [new VM(ctx.api, 'pve1', 101).firewall, new Container(ctx.api, 'pve1', 200).firewall]) {
      await fw.optionsSet({ enable: true, policy_in: 'REJECT', dhcp: true, log_level_in: 'warning' });
      expect(await fw.options()).toMatchObject({ enable: 1, policy_in: 'REJECT', dhcp: 1, log_level_in: 'warning' });
      await fw.optionsSet({}, { delete: ['dhcp'] });
      expect((await fw.options()).dhcp).toBeUndefined();
    }
  });

  it('cluster options; policy_forward from 8.0', async () => {
    const fw = Firewall.cluster(ctx.api);
    const { digest } = await fw.options();
    await fw.optionsSet({ enable: 1, policy_in: 'DROP', ebtables: false }, { digest: String(digest) });
    expect(await fw.options()).toMatchObject({ enable: 1, policy_in: 'DROP', ebtables: 0 });
    if (release === '7.4') {
      await expect(fw.optionsSet({ policy_forward: 'DROP' })).rejects.toMatchObject({ name: 'UnsupportedError' });
    } else {
      await fw.optionsSet({ policy_forward: 'DROP' });
      expect((await fw.options()).policy_forward).toBe('DROP');
    }
  });

  it('node options; nftables and log_level_forward from 8.0', async () => {
    const fw = Firewall.node(ctx.api, 'pve1');
    await fw.optionsSet({ enable: true, tcpflags: true, nf_conntrack_max: 262144 });
    expect(await fw.options()).toMatchObject({ enable: 1, tcpflags: 1, nf_conntrack_max: 262144 });
    if (release === '7.4') {
      await expect(fw.optionsSet({ nftables: true })).rejects.toMatchObject({ name: 'UnsupportedError' });
      await expect(fw.optionsSet({ log_level_forward: 'info' })).rejects.toMatchObject({ name: 'UnsupportedError' });
    } else {
      await fw.optionsSet({ nftables: true, log_level_forward: 'info' });
      expect(await fw.options()).toMatchObject({ nftables: 1, log_level_forward: 'info' });
    }
  });
});
