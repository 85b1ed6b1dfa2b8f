/**
 * IAM entities, kept in memory for the authorizer (which runs on every
 * request and must not wait on storage) and written through to the
 * DocumentStore so they survive restarts. Writes are applied to memory
 * first, then persisted in order through one queue.
 *
 * Names are unique without regard to case, as in IAM, so maps are keyed by
 * the lower-cased name and entities keep the spelling they were created with.
 */
import { isRevisionConflict, type DocumentChange, type DocumentStore } from '../store/documents.js';
import { awsManagedPolicy } from './managed-policies.js';
import type { LogFn } from '../server/logger.js';

export interface Tag {
  readonly Key: string;
  readonly Value: string;
}

export interface UserEntity {
  readonly userName: string;
  readonly userId: string;
  readonly path: string;
  readonly arn: string;
  readonly createDate: number;
  readonly tags: readonly Tag[];
  /** Inline policies: name → document as submitted. */
  readonly inlinePolicies: Readonly<Record<string, string>>;
  readonly attachedPolicies: readonly string[];
}

export interface RoleEntity {
  readonly roleName: string;
  readonly roleId: string;
  readonly path: string;
  readonly arn: string;
  readonly createDate: number;
  readonly assumeRolePolicyDocument: string;
  readonly description: string | undefined;
  readonly maxSessionDuration: number;
  readonly tags: readonly Tag[];
  readonly inlinePolicies: Readonly<Record<string, string>>;
  readonly attachedPolicies: readonly string[];
  readonly lastUsed?: { readonly date: number; readonly region: string };
}

export interface PolicyVersionEntity {
  readonly versionId: string;
  readonly document: string;
  readonly createDate: number;
}

export interface CustomerPolicyEntity {
  readonly policyName: string;
  readonly policyId: string;
  readonly path: string;
  readonly arn: string;
  readonly description: string | undefined;
  readonly createDate: number;
  readonly updateDate: number;
  readonly defaultVersionId: string;
  readonly versions: readonly PolicyVersionEntity[];
  readonly tags: readonly Tag[];
  /** The number the next CreatePolicyVersion takes (IAM never reuses a version id); absent = one past the highest. */
  readonly nextVersionNumber?: number;
}

export interface InstanceProfileEntity {
  readonly instanceProfileName: string;
  readonly instanceProfileId: string;
  readonly path: string;
  readonly arn: string;
  readonly createDate: number;
  /** Role names (IAM allows one). */
  readonly roles: readonly string[];
  readonly tags: readonly Tag[];
}

export type KeyOwner = { readonly kind: 'user'; readonly userName: string } | { readonly kind: 'root' };

export interface AccessKeyEntity {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly status: 'Active' | 'Inactive';
  readonly createDate: number;
  readonly owner: KeyOwner;
}

/** A managed policy as the authorizer and the API see it, whoever manages it. */
export interface ManagedPolicyView {
  readonly arn: string;
  readonly policyName: string;
  readonly document: string;
  readonly awsManaged: boolean;
}

const KIND = {
  user: 'iam.user',
  role: 'iam.role',
  policy: 'iam.policy',
  key: 'iam.access-key',
  instanceProfile: 'iam.instance-profile',
  secret: 'iam.secret',
} as const;

const lower = (s: string): string => s.toLowerCase();
const isStringArray = (v: unknown): boolean => Array.isArray(v) && v.every((x) => typeof x === 'string');
const isRecordOfStrings = (v: unknown): boolean => v !== null && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string');

export class IamStore {
  readonly users = new Map<string, UserEntity>();
  readonly roles = new Map<string, RoleEntity>();
  /** Customer managed policies by ARN. */
  readonly policies = new Map<string, CustomerPolicyEntity>();
  readonly accessKeys = new Map<string, AccessKeyEntity>();
  /** By lower-cased name. */
  readonly instanceProfiles = new Map<string, InstanceProfileEntity>();
  /** Bumped on every change, so derived caches know when to drop. */
  generation = 0;
  private queue: Promise<void> = Promise.resolve();

  private constructor(private readonly docs: DocumentStore) {}

  /** Loads every entity; one that is malformed is reported, set aside, and left out. */
  static async load(docs: DocumentStore, log: LogFn = () => {}): Promise<IamStore> {
    const s = new IamStore(docs);
    const each = async <T>(kind: string, problem: (doc: T) => string | undefined, add: (doc: T) => void): Promise<void> => {
      for (const { id, doc, revision } of await docs.listVersioned<T>(kind)) {
        const bad = doc !== null && typeof doc === 'object' ? problem(doc) : 'not an object';
        if (!bad) {
          add(doc);
          s.revisions.set(`${kind}|${id}`, revision);
          continue;
        }
        log(`iam: ${kind} ${JSON.stringify(id)} could not be loaded: ${bad}; it was set aside (kind quarantine:${kind})`, 'error');
        await docs.quarantine(kind, id, bad);
      }
    };
    const holder = (e: { inlinePolicies?: unknown; attachedPolicies?: unknown; arn?: unknown; tags?: unknown }): string | undefined =>
      typeof e.arn !== 'string' ? 'no ARN'
      : !isRecordOfStrings(e.inlinePolicies) ? 'inline policies are malformed'
      : !isStringArray(e.attachedPolicies) ? 'attached policies are malformed'
      : !Array.isArray(e.tags) ? 'tags are malformed'
      : undefined;
    await each<UserEntity>(KIND.user, (u) => (typeof u.userName !== 'string' || typeof u.userId !== 'string' ? 'no user name or id' : holder(u)), (u) => s.users.set(lower(u.userName), u));
    await each<RoleEntity>(KIND.role, (r) => (typeof r.roleName !== 'string' || typeof r.roleId !== 'string' || typeof r.assumeRolePolicyDocument !== 'string' ? 'no role name, id or trust policy' : holder(r)), (r) => s.roles.set(lower(r.roleName), r));
    await each<CustomerPolicyEntity>(KIND.policy, (p) => (typeof p.arn !== 'string' || !Array.isArray(p.versions) ? 'no ARN or versions' : undefined), (p) => s.policies.set(p.arn, p));
    await each<AccessKeyEntity>(KIND.key, (k) => (typeof k.accessKeyId !== 'string' || typeof k.secretAccessKey !== 'string' || !k.owner ? 'no key id, secret or owner' : undefined), (k) => s.accessKeys.set(k.accessKeyId, k));
    // Other nodes' changes (cluster mode): the change feed keeps these maps current.
    docs.watch((c) => s.applyChange(c));
    await each<InstanceProfileEntity>(KIND.instanceProfile, (p) => (typeof p.instanceProfileName !== 'string' || typeof p.arn !== 'string' || !isStringArray(p.roles) || !Array.isArray(p.tags) ? 'no name, ARN, roles or tags' : undefined), (p) => s.instanceProfiles.set(lower(p.instanceProfileName), p));
    return s;
  }

  /** Keys with a write of this process under way: their echoes from the change feed are not newer news. */
  private readonly writing = new Map<string, number>();
  /** The stored revision of each entity this process knows ("kind|id"): every write is a compare-and-set on it. */
  private readonly revisions = new Map<string, number>();

  private mapOf(kind: string): Map<string, unknown> | undefined {
    const maps: Record<string, Map<string, unknown> | undefined> = {
      [KIND.user]: this.users, [KIND.role]: this.roles, [KIND.policy]: this.policies, [KIND.key]: this.accessKeys,
      [KIND.instanceProfile]: this.instanceProfiles,
    };
    return maps[kind];
  }

  private applyChange(c: DocumentChange): void {
    const map = this.mapOf(c.kind);
    const key = `${c.kind}|${c.id}`;
    if (!map || this.writing.has(key) || c.revision <= (this.revisions.get(key) ?? 0)) return;
    if (c.doc === undefined) map.delete(c.id);
    else if (typeof c.doc === 'object' && c.doc !== null) map.set(c.id, c.doc);
    this.revisions.set(key, c.revision);
    this.generation++;
  }

  /** Takes an entity as stored (after losing a race), replacing what memory holds. */
  private async refresh(kind: string, id: string): Promise<void> {
    const map = this.mapOf(kind);
    const stored = await this.docs.getVersioned<unknown>(kind, id);
    const key = `${kind}|${id}`;
    if (stored) {
      map?.set(id, stored.doc);
      this.revisions.set(key, stored.revision);
    } else {
      map?.delete(id);
      this.revisions.delete(key);
    }
    this.generation++;
  }

  /**
   * Stores (or, with undefined, deletes) an entity by compare-and-set on the
   * revision this process last saw: if another process changed it meanwhile,
   * memory takes the stored entity and RevisionConflict is thrown, so the
   * action runs again on what is stored (service.ts).
   */
  private save(kind: string, id: string, doc: unknown): Promise<void> {
    const key = `${kind}|${id}`;
    return this.persist(async () => {
      const revision = this.revisions.get(key) ?? 0;
      try {
        if (doc === undefined) {
          await this.docs.deleteIf(kind, id, revision);
          this.revisions.delete(key);
        } else {
          this.revisions.set(key, await this.docs.putIf(kind, id, doc, revision));
        }
      } catch (e) {
        if (isRevisionConflict(e)) await this.refresh(kind, id);
        throw e;
      }
    }, key);
  }

  private persist(op: () => Promise<unknown>, key?: string): Promise<void> {
    this.generation++;
    if (key !== undefined) this.writing.set(key, (this.writing.get(key) ?? 0) + 1);
    const done = (): void => {
      if (key === undefined) return;
      const n = (this.writing.get(key) ?? 1) - 1;
      if (n <= 0) this.writing.delete(key);
      else this.writing.set(key, n);
    };
    const next = this.queue.then(op).then(() => undefined);
    // The change feed delivers after the write's own continuation: the echo of the last write finds no write under way.
    void next.then(done, done);
    // A failed write must not wedge the queue for later ones; the caller still sees it.
    this.queue = next.catch(() => undefined);
    return next;
  }

  user = (name: string): UserEntity | undefined => this.users.get(lower(name));
  role = (name: string): RoleEntity | undefined => this.roles.get(lower(name));

  putUser(u: UserEntity): Promise<void> {
    this.users.set(lower(u.userName), u);
    return this.save(KIND.user, lower(u.userName), u);
  }
  deleteUser(name: string): Promise<void> {
    this.users.delete(lower(name));
    return this.save(KIND.user, lower(name), undefined);
  }
  putRole(r: RoleEntity): Promise<void> {
    this.roles.set(lower(r.roleName), r);
    return this.save(KIND.role, lower(r.roleName), r);
  }
  deleteRole(name: string): Promise<void> {
    this.roles.delete(lower(name));
    return this.save(KIND.role, lower(name), undefined);
  }
  putPolicy(p: CustomerPolicyEntity): Promise<void> {
    this.policies.set(p.arn, p);
    return this.save(KIND.policy, p.arn, p);
  }
  deletePolicy(arn: string): Promise<void> {
    this.policies.delete(arn);
    return this.save(KIND.policy, arn, undefined);
  }
  putAccessKey(k: AccessKeyEntity): Promise<void> {
    this.accessKeys.set(k.accessKeyId, k);
    return this.save(KIND.key, k.accessKeyId, k);
  }
  deleteAccessKey(id: string): Promise<void> {
    this.accessKeys.delete(id);
    return this.save(KIND.key, id, undefined);
  }

  instanceProfile = (name: string): InstanceProfileEntity | undefined => this.instanceProfiles.get(lower(name));
  putInstanceProfile(p: InstanceProfileEntity): Promise<void> {
    this.instanceProfiles.set(lower(p.instanceProfileName), p);
    return this.save(KIND.instanceProfile, lower(p.instanceProfileName), p);
  }
  deleteInstanceProfile(name: string): Promise<void> {
    this.instanceProfiles.delete(lower(name));
    return this.save(KIND.instanceProfile, lower(name), undefined);
  }

  /** Small secrets (session-token key, generated root credentials). */
  getSecret<T>(name: string): Promise<T | undefined> {
    return this.docs.get<T>(KIND.secret, name);
  }
  putSecret<T>(name: string, value: T): Promise<void> {
    return this.persist(() => this.docs.put(KIND.secret, name, value));
  }
  /**
   * Stores `value` unless the secret exists (compare-and-set: of several
   * processes starting together on a fresh store, one wins); resolves to the
   * secret that is stored, ours or the winner's.
   */
  async createSecret<T>(name: string, value: T): Promise<T> {
    for (;;) {
      const stored = await this.docs.getVersioned<T>(KIND.secret, name);
      if (stored) return stored.doc;
      try {
        await this.docs.putIf(KIND.secret, name, value, 0);
        return value;
      } catch (e) {
        if (!isRevisionConflict(e)) throw e;
      }
    }
  }

  /** An AWS managed or customer managed policy by ARN (its default version). */
  managedPolicy(arn: string): ManagedPolicyView | undefined {
    const aws = awsManagedPolicy(arn);
    if (aws) return { arn, policyName: aws.policyName, document: aws.document, awsManaged: true };
    const p = this.policies.get(arn);
    if (!p) return undefined;
    const v = p.versions.find((x) => x.versionId === p.defaultVersionId) ?? p.versions[0]!;
    return { arn, policyName: p.policyName, document: v.document, awsManaged: false };
  }

  /** How many users and roles a managed policy is attached to. */
  attachmentCount(arn: string): number {
    let n = 0;
    for (const u of this.users.values()) if (u.attachedPolicies.includes(arn)) n++;
    for (const r of this.roles.values()) if (r.attachedPolicies.includes(arn)) n++;
    return n;
  }

  keysOf(userName: string): AccessKeyEntity[] {
    const out: AccessKeyEntity[] = [];
    for (const k of this.accessKeys.values()) if (k.owner.kind === 'user' && lower(k.owner.userName) === lower(userName)) out.push(k);
    return out.sort((a, b) => a.createDate - b.createDate);
  }

  /** Resolves once every write issued so far is durable. */
  flush(): Promise<void> {
    return this.queue;
  }
}
