/**
 * API keys, usage plans, their keys and usage counters in the DocumentStore.
 * The store is the one source of truth: nothing here is cached across calls,
 * so every process serving the same data dir sees the same keys, plans and
 * counts.
 *
 * Keys, their value index, plans and plan keys are written by compare-and-set
 * on the stored revision (a create on "none stored"), so two nodes sharing the
 * store cannot both win: a key's value stays unique (its index document is
 * created, never overwritten while its key exists), a plan or key change that
 * lost runs again on the stored document. The usage counters (quota state,
 * daily usage) are compare-and-set too, so requests counted at the same
 * moment on two nodes are each counted, and a quota admits exactly its limit;
 * within a process the counts of one key are queued so as not to race there.
 *
 * Documents:
 *   apigateway.apikey            {id}                  ApiKey
 *   apigateway.apikey-value      sha256(value)         {keyId}  (finds the key a request carries)
 *   apigateway.usageplan         {id}                  UsagePlan
 *   apigateway.usageplan-key     {planId}/{keyId}      UsagePlanKey
 *   apigateway.usage-daily       {planId}/{keyId}/{day} DailyUsage
 *   apigateway.usage-quota       {planId}/{keyId}      QuotaState
 */
import { createHash } from 'node:crypto';
import { deleteDocument, isRevisionConflict, retryOnConflict, updateDocument, type DocumentStore } from '../../store/documents.js';
import type { ApiKey, DailyUsage, QuotaSettings, QuotaState, UsagePlan, UsagePlanKey } from './model.js';
import { dayOf, parseDay, periodStart } from './periods.js';
import { KeyedQueue } from '../keyed-queue.js';

const KEY = 'apigateway.apikey';
const KEY_VALUE = 'apigateway.apikey-value';
const PLAN = 'apigateway.usageplan';
const PLAN_KEY = 'apigateway.usageplan-key';
const DAILY = 'apigateway.usage-daily';
const QUOTA = 'apigateway.usage-quota';
/** Counters are hot keys under load from several nodes: a count may lose many races before it lands. */
const COUNTER_TRIES = 64;
const QUOTA_USED_UP = Symbol('quota used up');

/** What the quota's current period has used, from its stored state (a state of an earlier period counts nothing). */
function usedOf(state: QuotaState | undefined, quota: QuotaSettings, day: string): number {
  return state && state.period === quota.period && state.periodStart === periodStart(day, quota) ? state.used : 0;
}

const valueId = (value: string): string => createHash('sha256').update(value).digest('hex');
const pairId = (planId: string, keyId: string): string => `${planId}/${keyId}`;

/** Thrown inside createKey: the value belongs to another key. */
class DuplicateKeyValue extends Error {}
/** Thrown inside deleteKey: the value's index names another key now. */
class KeepIndex extends Error {}

/** What counting one request against a plan's quota decided. */
export type Counted =
  | { readonly allowed: true; readonly remaining: number }
  | { readonly allowed: false; readonly limit: number; readonly period: QuotaSettings['period'] };

export class UsageStore {
  private readonly queue = new KeyedQueue();

  constructor(private readonly docs: DocumentStore) {}

  // ---------------------------------------------------------------- keys

  getKey(id: string): Promise<ApiKey | undefined> {
    return this.docs.get<ApiKey>(KEY, id);
  }

  async listKeys(): Promise<ApiKey[]> {
    return (await this.docs.list<ApiKey>(KEY)).map((e) => e.doc);
  }

  /** The key whose value a request carries. */
  async findKeyByValue(value: string): Promise<ApiKey | undefined> {
    const ref = await this.docs.get<{ keyId: string }>(KEY_VALUE, valueId(value));
    if (!ref) return undefined;
    const key = await this.getKey(ref.keyId);
    return key?.value === value ? key : undefined;
  }

  /**
   * Stores a new key, unless a key with its value exists (`false`). The key
   * document is created first, then its value's index document (a create:
   * of two keys with one value created at once on two nodes, one index
   * document is created; the other key is removed again and reported as a
   * duplicate). An index document whose key is gone (left by a node that
   * died between the two writes) is taken over by compare-and-set.
   */
  async createKey(key: ApiKey): Promise<boolean> {
    await this.docs.putIf(KEY, key.id, key, 0);
    try {
      await retryOnConflict(async () => {
        const index = await this.docs.getVersioned<{ keyId: string }>(KEY_VALUE, valueId(key.value));
        if (index) {
          const holder = await this.getKey(index.doc.keyId);
          if (holder?.value === key.value) throw new DuplicateKeyValue();
        }
        await this.docs.putIf(KEY_VALUE, valueId(key.value), { keyId: key.id }, index?.revision ?? 0);
      });
      return true;
    } catch (e) {
      await deleteDocument(this.docs, KEY, key.id);
      if (e instanceof DuplicateKeyValue) return false;
      throw e;
    }
  }

  /**
   * Changes a key by compare-and-set (`change` runs again on the stored key
   * if another writer got there first); `missing` is the error when it is
   * gone. A key's value never changes.
   */
  async updateKey(id: string, missing: () => Error, change: (current: ApiKey) => ApiKey): Promise<ApiKey> {
    return (await updateDocument<ApiKey>(this.docs, KEY, id, (current) => {
      if (!current) throw missing();
      const next = change(current);
      if (next.value !== current.value || next.id !== current.id) throw new Error(`API key ${id}: its id and value cannot change`);
      return next;
    })).doc;
  }

  /** Deletes a key with its memberships of usage plans and their counters; false when it was gone already. */
  async deleteKey(key: ApiKey): Promise<boolean> {
    for (const pk of await this.planKeysOfKey(key.id)) await this.deletePlanKey(pk.usagePlanId, key.id);
    const deleted = await deleteDocument<ApiKey>(this.docs, KEY, key.id);
    // Its value's index, if it still names this key (another key may have taken the value since).
    await deleteDocument<{ keyId: string }>(this.docs, KEY_VALUE, valueId(key.value), (index) => {
      if (index && index.keyId !== key.id) throw new KeepIndex();
    }).catch((e: unknown) => {
      if (!(e instanceof KeepIndex)) throw e;
    });
    return deleted !== undefined;
  }

  // ---------------------------------------------------------------- plans

  getPlan(id: string): Promise<UsagePlan | undefined> {
    return this.docs.get<UsagePlan>(PLAN, id);
  }

  async listPlans(): Promise<UsagePlan[]> {
    return (await this.docs.list<UsagePlan>(PLAN)).map((e) => e.doc);
  }

  /** Stores a new plan (a create: RevisionConflict if the id is taken). */
  async createPlan(plan: UsagePlan): Promise<void> {
    await this.docs.putIf(PLAN, plan.id, plan, 0);
  }

  /** Changes a plan by compare-and-set (`change` runs again on the stored plan if another writer got there first); `missing`: the error when it is gone. */
  async updatePlan(id: string, missing: () => Error, change: (current: UsagePlan) => UsagePlan | Promise<UsagePlan>): Promise<UsagePlan> {
    return (await updateDocument<UsagePlan>(this.docs, PLAN, id, (current) => {
      if (!current) throw missing();
      return change(current);
    })).doc;
  }

  async deletePlan(id: string): Promise<void> {
    for (const pk of await this.planKeys(id)) await this.deletePlanKey(id, pk.keyId);
    await deleteDocument(this.docs, PLAN, id);
  }

  // ---------------------------------------------------------------- plan keys

  getPlanKey(planId: string, keyId: string): Promise<UsagePlanKey | undefined> {
    return this.docs.get<UsagePlanKey>(PLAN_KEY, pairId(planId, keyId));
  }

  async planKeys(planId: string): Promise<UsagePlanKey[]> {
    return (await this.docs.list<UsagePlanKey>(PLAN_KEY)).filter((e) => e.id.startsWith(`${planId}/`)).map((e) => e.doc);
  }

  async planKeysOfKey(keyId: string): Promise<UsagePlanKey[]> {
    return (await this.docs.list<UsagePlanKey>(PLAN_KEY)).filter((e) => e.doc.keyId === keyId).map((e) => e.doc);
  }

  /** Adds a key to a plan: a create, false when the key is in the plan already (also when another node added it first). */
  async createPlanKey(pk: UsagePlanKey): Promise<boolean> {
    try {
      await this.docs.putIf(PLAN_KEY, pairId(pk.usagePlanId, pk.keyId), pk, 0);
      return true;
    } catch (e) {
      if (isRevisionConflict(e)) return false;
      throw e;
    }
  }

  /** Ends a key's membership of a plan; what it used through the plan goes with it (the counters: see above). */
  async deletePlanKey(planId: string, keyId: string): Promise<void> {
    await deleteDocument(this.docs, PLAN_KEY, pairId(planId, keyId));
    await this.docs.delete(QUOTA, pairId(planId, keyId));
    const prefix = `${pairId(planId, keyId)}/`;
    for (const e of await this.docs.list<DailyUsage>(DAILY)) if (e.id.startsWith(prefix)) await this.docs.delete(DAILY, e.id);
  }

  // ---------------------------------------------------------------- counters

  /**
   * Counts one request of `keyId` through `plan` at `nowMs`: refused, and not
   * counted, when the period's quota is used up.
   */
  count(planId: string, keyId: string, quota: QuotaSettings | undefined, nowMs: number): Promise<Counted> {
    return this.serialized(pairId(planId, keyId), async () => {
      const day = dayOf(nowMs);
      let remaining = 0;
      if (quota) {
        // The quota decides admission, so it is counted by compare-and-set: of two nodes counting the
        // last request of a quota at once, one gets it and the other, re-reading, is refused.
        let usedUp = false;
        await updateDocument<QuotaState>(this.docs, QUOTA, pairId(planId, keyId), (state) => {
          const used = usedOf(state, quota, day);
          if (used >= quota.limit) {
            usedUp = true;
            throw QUOTA_USED_UP;
          }
          usedUp = false;
          remaining = quota.limit - (used + 1);
          return { periodStart: periodStart(day, quota), period: quota.period, used: used + 1 };
        }, COUNTER_TRIES).catch((e: unknown) => {
          if (e !== QUOTA_USED_UP) throw e;
        });
        if (usedUp) return { allowed: false, limit: quota.limit, period: quota.period };
      }
      await updateDocument<DailyUsage>(this.docs, DAILY, `${pairId(planId, keyId)}/${day}`, (daily) => ({ used: (daily?.used ?? 0) + 1, remaining }), COUNTER_TRIES);
      return { allowed: true, remaining };
    });
  }

  /** Sets what is left of the current period's quota (UpdateUsage's `/remaining`). */
  setRemaining(planId: string, keyId: string, quota: QuotaSettings, remaining: number, nowMs: number): Promise<DailyUsage> {
    return this.serialized(pairId(planId, keyId), async () => {
      const day = dayOf(nowMs);
      await updateDocument<QuotaState>(this.docs, QUOTA, pairId(planId, keyId), () => ({ periodStart: periodStart(day, quota), period: quota.period, used: quota.limit - remaining }), COUNTER_TRIES);
      const stored = await updateDocument<DailyUsage>(this.docs, DAILY, `${pairId(planId, keyId)}/${day}`, (daily) => ({ used: daily?.used ?? 0, remaining }), COUNTER_TRIES);
      return stored.doc;
    });
  }

  daily(planId: string, keyId: string, day: string): Promise<DailyUsage | undefined> {
    return this.docs.get<DailyUsage>(DAILY, `${pairId(planId, keyId)}/${day}`);
  }

  /**
   * `[used, remaining]` for each of `days` (consecutive, oldest first): a day
   * without requests shows the remaining quota the period had then.
   */
  async usage(planId: string, keyId: string, quota: QuotaSettings | undefined, days: readonly string[]): Promise<Array<[number, number]>> {
    const out: Array<[number, number]> = [];
    let carried: { period: string; remaining: number } | undefined;
    for (const day of days) {
      const daily = await this.daily(planId, keyId, day);
      if (!quota) {
        out.push([daily?.used ?? 0, 0]);
        continue;
      }
      const period = periodStart(day, quota);
      if (daily) {
        carried = { period, remaining: daily.remaining };
      } else if (carried?.period !== period) {
        carried = { period, remaining: await this.remainingBefore(planId, keyId, quota, day) };
      }
      out.push([daily?.used ?? 0, carried.remaining]);
    }
    return out;
  }

  /** The remaining quota at the start of `day`: what the period's last earlier day left, or the whole limit. */
  private async remainingBefore(planId: string, keyId: string, quota: QuotaSettings, day: string): Promise<number> {
    const start = parseDay(periodStart(day, quota))!;
    for (let t = parseDay(day)! - 86_400_000; t >= start; t -= 86_400_000) {
      const daily = await this.daily(planId, keyId, dayOf(t));
      if (daily) return daily.remaining;
    }
    return quota.limit;
  }


  private serialized<T>(id: string, work: () => Promise<T>): Promise<T> {
    return this.queue.run(id, work);
  }
}
