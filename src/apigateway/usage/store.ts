/**
 * API keys, usage plans, their keys and usage counters in the DocumentStore.
 * The store is the one source of truth: nothing here is cached across calls,
 * so every process serving the same data dir sees the same keys, plans and
 * counts (a counter's read-modify-write is serialized within a process; the
 * DocumentStore offers no compare-and-set across processes).
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
import type { DocumentStore } from '../../store/documents.js';
import type { ApiKey, DailyUsage, QuotaSettings, QuotaState, UsagePlan, UsagePlanKey } from './model.js';
import { dayOf, parseDay, periodStart } from './periods.js';

const KEY = 'apigateway.apikey';
const KEY_VALUE = 'apigateway.apikey-value';
const PLAN = 'apigateway.usageplan';
const PLAN_KEY = 'apigateway.usageplan-key';
const DAILY = 'apigateway.usage-daily';
const QUOTA = 'apigateway.usage-quota';

const valueId = (value: string): string => createHash('sha256').update(value).digest('hex');
const pairId = (planId: string, keyId: string): string => `${planId}/${keyId}`;

/** What counting one request against a plan's quota decided. */
export type Counted =
  | { readonly allowed: true; readonly remaining: number }
  | { readonly allowed: false; readonly limit: number; readonly period: QuotaSettings['period'] };

export class UsageStore {
  private readonly queues = new Map<string, Promise<unknown>>();

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

  async putKey(key: ApiKey): Promise<void> {
    const previous = await this.getKey(key.id);
    if (previous && previous.value !== key.value) await this.docs.delete(KEY_VALUE, valueId(previous.value));
    await this.docs.put(KEY, key.id, key);
    await this.docs.put(KEY_VALUE, valueId(key.value), { keyId: key.id });
  }

  /** Deletes a key with its memberships of usage plans and their counters. */
  async deleteKey(key: ApiKey): Promise<void> {
    for (const pk of await this.planKeysOfKey(key.id)) await this.deletePlanKey(pk.usagePlanId, key.id);
    await this.docs.delete(KEY_VALUE, valueId(key.value));
    await this.docs.delete(KEY, key.id);
  }

  // ---------------------------------------------------------------- plans

  getPlan(id: string): Promise<UsagePlan | undefined> {
    return this.docs.get<UsagePlan>(PLAN, id);
  }

  async listPlans(): Promise<UsagePlan[]> {
    return (await this.docs.list<UsagePlan>(PLAN)).map((e) => e.doc);
  }

  putPlan(plan: UsagePlan): Promise<void> {
    return this.docs.put(PLAN, plan.id, plan);
  }

  async deletePlan(id: string): Promise<void> {
    for (const pk of await this.planKeys(id)) await this.deletePlanKey(id, pk.keyId);
    await this.docs.delete(PLAN, id);
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

  putPlanKey(pk: UsagePlanKey): Promise<void> {
    return this.docs.put(PLAN_KEY, pairId(pk.usagePlanId, pk.keyId), pk);
  }

  /** Ends a key's membership of a plan; what it used through the plan goes with it. */
  async deletePlanKey(planId: string, keyId: string): Promise<void> {
    await this.docs.delete(PLAN_KEY, pairId(planId, keyId));
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
        const used = await this.usedInPeriod(planId, keyId, quota, day);
        if (used >= quota.limit) return { allowed: false, limit: quota.limit, period: quota.period };
        remaining = quota.limit - (used + 1);
        await this.docs.put<QuotaState>(QUOTA, pairId(planId, keyId), { periodStart: periodStart(day, quota), period: quota.period, used: used + 1 });
      }
      const daily = await this.daily(planId, keyId, day);
      await this.docs.put<DailyUsage>(DAILY, `${pairId(planId, keyId)}/${day}`, { used: (daily?.used ?? 0) + 1, remaining });
      return { allowed: true, remaining };
    });
  }

  /** Sets what is left of the current period's quota (UpdateUsage's `/remaining`). */
  setRemaining(planId: string, keyId: string, quota: QuotaSettings, remaining: number, nowMs: number): Promise<DailyUsage> {
    return this.serialized(pairId(planId, keyId), async () => {
      const day = dayOf(nowMs);
      await this.docs.put<QuotaState>(QUOTA, pairId(planId, keyId), { periodStart: periodStart(day, quota), period: quota.period, used: quota.limit - remaining });
      const daily: DailyUsage = { used: (await this.daily(planId, keyId, day))?.used ?? 0, remaining };
      await this.docs.put<DailyUsage>(DAILY, `${pairId(planId, keyId)}/${day}`, daily);
      return daily;
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

  private async usedInPeriod(planId: string, keyId: string, quota: QuotaSettings, day: string): Promise<number> {
    const state = await this.docs.get<QuotaState>(QUOTA, pairId(planId, keyId));
    return state && state.period === quota.period && state.periodStart === periodStart(day, quota) ? state.used : 0;
  }

  private serialized<T>(id: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(id) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.catch(() => undefined);
    this.queues.set(id, settled);
    void settled.then(() => {
      if (this.queues.get(id) === settled) this.queues.delete(id);
    });
    return next;
  }
}
