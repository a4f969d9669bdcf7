/**
 * Guest firewalls end to end (the simulator serves the VM and container levels): rules created,
 * read, changed, moved and deleted, options set and read, digests honoured, per release.
 */
import { Container, VM, type Firewall } from '../../src/index.js';
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
    ['VM', (api) => new VM(api, 'pve1', 101).firewall],
    ['container', (api) => new Container(api, 'pve1', 200).firewall],
  ];
  for (const [name, make] of levels) {
    it(`${name}: rule create, read, update, move, delete`, async () => {
      const fw = make(ctx.api);
      await fw.ruleCreate({ type: 'in', action: 'ACCEPT', proto: 'tcp', dport: '22', enable: true, comment: 'ssh' });
      await fw.ruleCreate({ type: 'out', action: 'DROP', dest: '10.0.0.0/8', log: 'info' });
      expect((await fw.rules()).map((r) => r.type)).toEqual(['out', 'in']);

      const ssh = await fw.rule(1);
      expect(ssh).toMatchObject({ pos: 1, type: 'in', action: 'ACCEPT', dport: '22', enable: 1, comment: 'ssh' });

      await fw.ruleUpdate(1, { comment: 'ssh from lan', source: '192.168.0.0/16' }, { delete: ['dport'] });
      const updated = await fw.rule(1);
      expect(updated).toMatchObject({ comment: 'ssh from lan', source: '192.168.0.0/16' });
      expect(updated.dport).toBeUndefined();

      await fw.ruleMove(1, 0);
      expect((await fw.rules()).map((r) => r.type)).toEqual(['in', 'out']);

      await fw.ruleDelete(0);
      expect((await fw.rules()).map((r) => r.type)).toEqual(['out']);
    });

    it(`${name}: a stale digest is refused`, async () => {
      const fw = make(ctx.api);
      await fw.ruleCreate({ type: 'in', action: 'ACCEPT', macro: 'HTTP' });
      const digest = (await fw.rules())[0]?.digest;
      expect(typeof digest).toBe('string');
      await fw.ruleCreate({ type: 'in', action: 'ACCEPT', macro: 'HTTPS' });
      await expect(fw.ruleDelete(0, { digest: String(digest) })).rejects.toThrow(/modified|digest/i);
    });

    it(`${name}: options set and read back; forward rules from 8.0`, async () => {
      const fw = make(ctx.api);
      await fw.optionsSet({ enable: true, policy_in: 'REJECT', dhcp: true, log_level_in: 'warning' });
      expect(await fw.options()).toMatchObject({ enable: 1, policy_in: 'REJECT', dhcp: 1, log_level_in: 'warning' });
      await fw.optionsSet({}, { delete: ['dhcp'] });
      expect((await fw.options()).dhcp).toBeUndefined();
      if (release === '7.4') {
        await expect(fw.ruleCreate({ type: 'forward', action: 'ACCEPT' })).rejects.toMatchObject({ name: 'UnsupportedError' });
      }
    });
  }
});
