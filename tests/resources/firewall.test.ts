/**
 * `Firewall` at every level (cluster, node, VM, container) and on every release: one code path,
 * the level's base path, and the option keys each level and release takes.
 */
import { Container, Firewall, UnsupportedError, VM, type FirewallLevel, type ProxmoxAPI } from '../../src/index.js';
import { describeEachRelease } from '../support/oracle.js';
import { mockApi } from '../support/nock.js';
import { nockLifecycle, rejection, testApi } from '../support/session.js';

nockLifecycle();

const LEVELS: ReadonlyArray<{ level: FirewallLevel; base: string; make(api: ProxmoxAPI): Firewall }> = [
  { level: 'cluster', base: '/cluster/firewall', make: (api) => Firewall.cluster(api) },
  { level: 'node', base: '/nodes/pve1/firewall', make: (api) => Firewall.node(api, 'pve1') },
  { level: 'vm', base: '/nodes/pve1/qemu/100/firewall', make: (api) => Firewall.vm(api, 'pve1', 100) },
  { level: 'container', base: '/nodes/pve1/lxc/200/firewall', make: (api) => Firewall.container(api, 'pve1', 200) },
];

/** An option every level takes, one only another level takes, and one the release may lack. */
const LEVEL_OPTIONS: Record<FirewallLevel, { own: Record<string, string | number | boolean>; sent: Record<string, string>; foreign: string; gated?: [string, string | boolean] }> = {
  cluster: { own: { enable: 1, policy_in: 'DROP', ebtables: true }, sent: { enable: '1', policy_in: 'DROP', ebtables: '1' }, foreign: 'dhcp', gated: ['policy_forward', 'DROP'] },
  node: { own: { enable: true, nf_conntrack_max: 262144, tcpflags: true }, sent: { enable: '1', nf_conntrack_max: '262144', tcpflags: '1' }, foreign: 'policy_in', gated: ['nftables', true] },
  vm: { own: { enable: true, dhcp: true, policy_in: 'DROP', log_level_in: 'info' }, sent: { enable: '1', dhcp: '1', policy_in: 'DROP', log_level_in: 'info' }, foreign: 'ebtables' },
  container: { own: { enable: false, macfilter: false, radv: true }, sent: { enable: '0', macfilter: '0', radv: '1' }, foreign: 'nftables' },
};

describeEachRelease('Firewall', (release) => {
  for (const { level, base, make } of LEVELS) {
    describe(level, () => {
      const fw = () => make(testApi());

      it('is scoped by its base path', () => {
        expect(fw().level).toBe(level);
        expect(fw().basePath).toBe(base);
        expect(JSON.parse(JSON.stringify(fw()))).toEqual({ level, basePath: base });
      });

      it('rules(): GET …/rules, pos and numbers coerced, unknown fields kept', async () => {
        mockApi().get(`${base}/rules`).replyData(200, [
          { pos: 0, type: 'in', action: 'ACCEPT', proto: 'tcp', dport: '443', enable: 1, comment: 'https', digest: 'd1' },
          { pos: '1', type: 'in', action: 'ACCEPT', macro: 'SSH', source: '10.0.0.0/8', ipversion: '4', extra: true },
        ]);
        await expect(fw().rules()).resolves.toEqual([
          { pos: 0, type: 'in', action: 'ACCEPT', proto: 'tcp', dport: '443', enable: 1, comment: 'https', digest: 'd1' },
          { pos: 1, type: 'in', action: 'ACCEPT', macro: 'SSH', source: '10.0.0.0/8', ipversion: 4, extra: true },
        ]);
      });

      it('rule(pos): GET …/rules/{pos}', async () => {
        mockApi().get(`${base}/rules/1`).replyData(200, { pos: 1, type: 'out', action: 'DROP', enable: 0 });
        await expect(fw().rule(1)).resolves.toEqual({ pos: 1, type: 'out', action: 'DROP', enable: 0 });
        await expect(fw().rule(-1)).rejects.toThrow('pos must be an integer ≥ 0, got -1');
      });

      it('ruleCreate(): POST …/rules with Proxmox keys, pos and digest', async () => {
        mockApi()
          .post(`${base}/rules`, { type: 'in', action: 'ACCEPT', proto: 'tcp', dport: '22', 'icmp-type': 'any', iface: 'net0', log: 'info', enable: '1', comment: 'ssh', pos: '0', digest: 'd1' })
          .replyData(200, null);
        await expect(
          fw().ruleCreate(
            { type: 'in', action: 'ACCEPT', proto: 'tcp', dport: '22', 'icmp-type': 'any', iface: 'net0', log: 'info', enable: true, comment: 'ssh' },
            { pos: 0, digest: 'd1' },
          ),
        ).resolves.toBeUndefined();
      });

      it('ruleCreate(): missing type/action, unknown keys and bad values are TypeErrors', async () => {
        mockApi();
        await expect(fw().ruleCreate({ action: 'ACCEPT' } as never)).rejects.toThrow('ruleCreate: rule needs a type and an action');
        await expect(fw().ruleCreate({ type: 'in', action: 'ACCEPT', port: 22 } as never)).rejects.toThrow(/unknown option "port"/);
        await expect(fw().ruleCreate({ type: 'sideways' as never, action: 'ACCEPT' })).rejects.toThrow(/type must be one of "in", "out", "forward", "group"/);
        await expect(fw().ruleCreate({ type: 'in', action: 'ACCEPT!' })).rejects.toThrow(/action must be ACCEPT, DROP, REJECT or a security group name/);
        await expect(fw().ruleCreate({ type: 'in', action: 'ACCEPT', log: 'loud' as never })).rejects.toThrow(/log must be one of/);
      });

      it('ruleCreate({ type: "forward" }): 8.0 and later', async () => {
        const scope = mockApi().mockVersion();
        if (release === '7.4') {
          const err = await rejection(fw().ruleCreate({ type: 'forward', action: 'ACCEPT' }));
          expect(err).toBeInstanceOf(UnsupportedError);
          expect(err.message).toBe('firewall rule type "forward" is not supported by Proxmox 7.4 (needs 8.0 or later)');
        } else {
          scope.post(`${base}/rules`, { type: 'forward', action: 'ACCEPT' }).replyData(200, null);
          await expect(fw().ruleCreate({ type: 'forward', action: 'ACCEPT' })).resolves.toBeUndefined();
        }
      });

      it('ruleUpdate(): PUT …/rules/{pos} with changes, delete and digest', async () => {
        mockApi().put(`${base}/rules/2`, { enable: '0', comment: 'off', delete: 'sport,dport', digest: 'd1' }).replyData(200, null);
        await expect(fw().ruleUpdate(2, { enable: false, comment: 'off' }, { delete: ['sport', 'dport'], digest: 'd1' })).resolves.toBeUndefined();
        await expect(fw().ruleUpdate(2, {}, { digest: 'd1' })).rejects.toThrow('ruleUpdate: nothing to change');
      });

      it('ruleMove(): PUT …/rules/{pos} with moveto', async () => {
        mockApi().put(`${base}/rules/3`, { moveto: '0' }).replyData(200, null);
        await expect(fw().ruleMove(3, 0)).resolves.toBeUndefined();
        await expect(fw().ruleMove(3, 1.5)).rejects.toThrow('to must be an integer ≥ 0, got 1.5');
      });

      it('ruleDelete(): DELETE …/rules/{pos} with digest', async () => {
        const scope = mockApi();
        scope.delete(`${base}/rules/0`).query({ digest: 'd1' }).replyData(200, null);
        scope.delete(`${base}/rules/1`).replyData(200, null);
        await expect(fw().ruleDelete(0, { digest: 'd1' })).resolves.toBeUndefined();
        await expect(fw().ruleDelete(1)).resolves.toBeUndefined();
      });

      it('options(): GET …/options', async () => {
        mockApi().get(`${base}/options`).replyData(200, { enable: '1', policy_in: 'DROP', digest: 'd1', other: 'x' });
        await expect(fw().options()).resolves.toEqual({ enable: 1, policy_in: 'DROP', digest: 'd1', other: 'x' });
      });

      it(`optionsSet(): PUT …/options with the keys a ${level} takes`, async () => {
        const { own, sent } = LEVEL_OPTIONS[level];
        mockApi().put(`${base}/options`, { ...sent, delete: 'log_level_out', digest: 'd1' }).replyData(200, null);
        await expect(fw().optionsSet(own, { delete: ['log_level_out'], digest: 'd1' })).resolves.toBeUndefined();
      });

      it(`optionsSet(): a key of another level is a TypeError before any request`, async () => {
        mockApi();
        const { foreign } = LEVEL_OPTIONS[level];
        await expect(fw().optionsSet({ [foreign]: true })).rejects.toThrow(new RegExp(`optionsSet \\(${level} firewall\\): unknown option "${foreign}"`));
        await expect(fw().optionsSet({})).rejects.toThrow('optionsSet: nothing to change');
      });

      const gated = LEVEL_OPTIONS[level].gated;
      if (gated) {
        it(`optionsSet({ ${gated[0]} }): 8.0 and later`, async () => {
          const [key, value] = gated;
          const scope = mockApi().mockVersion();
          if (release === '7.4') {
            await expect(fw().optionsSet({ [key]: value })).rejects.toThrow(
              `optionsSet (${level} firewall) option "${key}" is not supported by Proxmox 7.4 (needs 8.0 or later)`,
            );
          } else {
            scope.put(`${base}/options`, { [key]: value === true ? '1' : String(value) }).replyData(200, null);
            await expect(fw().optionsSet({ [key]: value })).resolves.toBeUndefined();
          }
        });
      }
    });
  }

  it('the guests\' firewall getters equal the factories', () => {
    const api = testApi();
    expect(new VM(api, 'pve1', 100).firewall.basePath).toBe(Firewall.vm(api, 'pve1', 100).basePath);
    expect(new Container(api, 'pve1', 200).firewall.basePath).toBe(Firewall.container(api, 'pve1', 200).basePath);
  });

  it('factories check node and vmid', () => {
    expect(() => Firewall.node(testApi(), 'a/b')).toThrow(/node must be a node name/);
    expect(() => Firewall.vm(testApi(), 'pve1', 42)).toThrow(/vmid must be/);
  });
});
