/**
 * A small network of Linux network namespaces for partition tests: a hub
 * namespace holding a bridge, one namespace per member joined to it by a veth
 * pair, and the test's own namespace joined too (so the test reaches every
 * member). Partitions are made with tc: on the hub side of a member's veth, a
 * u32 filter steers packets from a given address into an HTB class whose
 * queue is `pfifo limit 0`, which drops everything (these machines have no
 * iptables/nftables and no netem). Everything is removed by `destroy`, which
 * is safe to call more than once and on every exit path.
 */
import { execFileSync } from 'node:child_process';

const run = (...args: string[]): string => execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const tc = (...args: string[]): string => execFileSync('tc', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** Whether this process may make network namespaces (root in a container usually may). */
export function namespacesPermitted(): { ok: true } | { ok: false; reason: string } {
  const probe = `slprobe${process.pid}`;
  try {
    run('netns', 'add', probe);
    run('netns', 'del', probe);
    execFileSync('tc', ['-V'], { stdio: 'ignore' });
    return { ok: true };
  } catch (e) {
    try {
      run('netns', 'del', probe);
    } catch {
      // nothing to remove
    }
    return { ok: false, reason: `network namespaces or tc are not available here: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}` };
  }
}

export interface Member {
  readonly name: string;
  readonly ns: string;
  readonly ip: string;
  /** The veth end on the hub's bridge (where packets towards this member leave the hub). */
  readonly hubIf: string;
}

export class NetLab {
  readonly hub: string;
  readonly members = new Map<string, Member>();
  private readonly prefix: string;
  private destroyed = false;
  private readonly cuts = new Set<string>();
  /** The test process's own address on the lab network. */
  readonly selfIp: string;

  constructor(private readonly subnet = '10.213.47') {
    this.prefix = `sl${process.pid % 10000}`;
    this.hub = `${this.prefix}hub`;
    this.selfIp = `${subnet}.1`;
    NetLab.removeLeftovers();
    try {
      run('netns', 'add', this.hub);
      run('-n', this.hub, 'link', 'set', 'lo', 'up');
      run('-n', this.hub, 'link', 'add', 'br0', 'type', 'bridge');
      run('-n', this.hub, 'link', 'set', 'br0', 'up');
      // The test's own namespace joins through a veth pair whose far end is on the bridge.
      run('link', 'add', `${this.prefix}self`, 'type', 'veth', 'peer', 'name', 'hself', 'netns', this.hub);
      run('addr', 'add', `${this.selfIp}/24`, 'dev', `${this.prefix}self`);
      run('link', 'set', `${this.prefix}self`, 'up');
      run('-n', this.hub, 'link', 'set', 'hself', 'master', 'br0');
      run('-n', this.hub, 'link', 'set', 'hself', 'up');
    } catch (e) {
      this.destroy();
      throw e;
    }
  }

  /**
   * Removes what a lab of an earlier run left behind when that run was killed (SIGKILL skips every
   * exit path): its namespaces and its own-namespace link, which holds the subnet's first address
   * and would make this lab's members unreachable. Labs share one subnet, so only one can run at a
   * time anyway; a lab's names are `sl<pid><member>`.
   */
  private static removeLeftovers(): void {
    const lab = /^sl\d+(hub|self|[a-z]\d+)$/;
    for (const line of run('netns', 'list').split('\n')) {
      const name = line.split(' ')[0] ?? '';
      if (!lab.test(name)) continue;
      try {
        run('netns', 'del', name);
      } catch {
        // gone meanwhile
      }
    }
    for (const line of run('-o', 'link', 'show').split('\n')) {
      const name = /^\d+:\s+([^@:]+)/.exec(line)?.[1];
      if (!name || !/^sl\d+self$/.test(name)) continue;
      try {
        run('link', 'del', name);
      } catch {
        // gone meanwhile
      }
    }
  }

  /** A member namespace at `<subnet>.<host>` on the bridge. */
  add(name: string, host: number): Member {
    const ns = `${this.prefix}${name}`;
    const hubIf = `h${name}`;
    const ip = `${this.subnet}.${host}`;
    run('netns', 'add', ns);
    run('-n', ns, 'link', 'set', 'lo', 'up');
    run('-n', ns, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', hubIf, 'netns', this.hub);
    run('-n', ns, 'addr', 'add', `${ip}/24`, 'dev', 'eth0');
    run('-n', ns, 'link', 'set', 'eth0', 'up');
    run('-n', this.hub, 'link', 'set', hubIf, 'master', 'br0');
    run('-n', this.hub, 'link', 'set', hubIf, 'up');
    // Each hub-side veth: HTB root, class 1:1 passes (default), class 1:2 drops (pfifo limit 0).
    tc('-n', this.hub, 'qdisc', 'add', 'dev', hubIf, 'root', 'handle', '1:', 'htb', 'default', '1');
    tc('-n', this.hub, 'class', 'add', 'dev', hubIf, 'parent', '1:', 'classid', '1:1', 'htb', 'rate', '10gbit');
    tc('-n', this.hub, 'class', 'add', 'dev', hubIf, 'parent', '1:', 'classid', '1:2', 'htb', 'rate', '10gbit');
    tc('-n', this.hub, 'qdisc', 'add', 'dev', hubIf, 'parent', '1:2', 'handle', '20:', 'pfifo', 'limit', '0');
    const m = { name, ns, ip, hubIf };
    this.members.set(name, m);
    return m;
  }

  /** The command prefix that runs a program inside a member's namespace. */
  exec(name: string): string[] {
    return ['ip', 'netns', 'exec', this.members.get(name)!.ns];
  }

  private filter(to: Member, from: string, add: boolean): void {
    const pref = String(100 + Number(from.split('.').pop()));
    if (add) {
      tc('-n', this.hub, 'filter', 'add', 'dev', to.hubIf, 'parent', '1:', 'protocol', 'ip', 'prio', pref, 'u32', 'match', 'ip', 'src', `${from}/32`, 'flowid', '1:2');
    } else {
      try {
        tc('-n', this.hub, 'filter', 'del', 'dev', to.hubIf, 'parent', '1:', 'protocol', 'ip', 'prio', pref);
      } catch {
        // not there
      }
    }
  }

  /** Drops every packet between two members (both ways). */
  cut(a: string, b: string): void {
    const key = [a, b].sort().join('|');
    if (this.cuts.has(key)) return;
    const ma = this.members.get(a)!;
    const mb = this.members.get(b)!;
    this.filter(ma, mb.ip, true);
    this.filter(mb, ma.ip, true);
    this.cuts.add(key);
  }

  /** Splits the members into two sides that cannot talk to each other. */
  split(left: readonly string[], right: readonly string[]): void {
    for (const a of left) for (const b of right) this.cut(a, b);
  }

  healAll(): void {
    for (const key of this.cuts) {
      const [a, b] = key.split('|') as [string, string];
      this.filter(this.members.get(a)!, this.members.get(b)!.ip, false);
      this.filter(this.members.get(b)!, this.members.get(a)!.ip, false);
    }
    this.cuts.clear();
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const m of this.members.values()) {
      try {
        run('netns', 'del', m.ns);
      } catch {
        // already gone
      }
    }
    try {
      run('link', 'del', `${this.prefix}self`);
    } catch {
      // removed with the hub
    }
    try {
      run('netns', 'del', this.hub);
    } catch {
      // already gone
    }
  }
}
