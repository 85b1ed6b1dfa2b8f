/**
 * What API Gateway checks of a request before its method runs, for API keys,
 * usage plans and throttling, in AWS's order:
 *  1. a method with `apiKeyRequired` needs a key (the `x-api-key` header, or
 *     with the API's key source AUTHORIZER the authorizer's
 *     `usageIdentifierKey`) that exists, is enabled and belongs to a usage
 *     plan that includes the API stage: else 403 (INVALID_API_KEY);
 *  2. the plan's per-method throttle for the stage, or the plan's throttle,
 *     per key: 429 Too Many Requests (THROTTLED);
 *  3. the stage's method throttling (`methodSettings` of the method, or of
 *     `*` / `*`), per method: 429 Too Many Requests (THROTTLED);
 *  4. the plan's quota, per key and period: 429 Limit Exceeded
 *     (QUOTA_EXCEEDED); what passes is counted for GetUsage.
 * Account-level throttling (GetAccount's 10,000 rps / 5,000 burst) is not
 * applied. Only methods that require a key are metered, as on AWS.
 */
import type { GatewayError } from '../gateway-responses.js';
import { methodSettingLookup } from '../method-settings.js';
import type { ApiKeySource, Stage } from '../model.js';
import type { ApiKey, ApiStage, ThrottleSettings, UsagePlan } from './model.js';
import type { UsageStore } from './store.js';
import { TokenBuckets } from './throttle.js';

/** AWS's account-level defaults, used for a stage limit whose other half is not set. */
const ACCOUNT_RATE = 10_000;
const ACCOUNT_BURST = 5_000;

export interface UsageCheck {
  readonly apiId: string;
  readonly stage: Stage;
  readonly resourceId: string;
  /** The matched resource's path, e.g. `/streams/{stream-name}`. */
  readonly resourcePath: string;
  /** The method's own verb (`ANY` for an ANY method). */
  readonly httpMethod: string;
  readonly apiKeyRequired: boolean;
  readonly apiKeySource: ApiKeySource;
  /** Lower-cased names. */
  readonly headers: Readonly<Record<string, string>>;
  /** The `usageIdentifierKey` an authorizer returned (none can: Sluice runs no Lambda authorizers). */
  readonly authorizerApiKey?: string;
}

export type UsageDecision =
  | { readonly ok: true; readonly apiKey?: Pick<ApiKey, 'id' | 'value'>; readonly log: readonly string[] }
  | { readonly ok: false; readonly error: GatewayError; readonly log: readonly string[] };

/** `**********************************F0yrv6`, as execution logs show a key. */
export function maskKey(value: string): string {
  return value.length <= 6 ? value : '*'.repeat(value.length - 6) + value.slice(-6);
}

const forbidden = (log: string): UsageDecision => ({ ok: false, error: { type: 'INVALID_API_KEY', message: 'Forbidden' }, log: [log] });
const throttled = (log: string): UsageDecision => ({ ok: false, error: { type: 'THROTTLED', message: 'Too Many Requests' }, log: [log] });

export class UsageGate {
  constructor(
    private readonly store: UsageStore,
    private readonly buckets: TokenBuckets = new TokenBuckets(),
    private readonly now: () => number = Date.now,
  ) {}

  async admit(c: UsageCheck): Promise<UsageDecision> {
    const methodKey = `${c.resourcePath}/${c.httpMethod}`;
    const stageName = c.stage.stageName;
    const apiStage = `${c.apiId}/${stageName}`;
    const log: string[] = [];
    let metered: { key: ApiKey; plan: UsagePlan } | undefined;

    if (c.apiKeyRequired) {
      const value = c.apiKeySource === 'AUTHORIZER' ? c.authorizerApiKey : c.headers['x-api-key'];
      if (!value) {
        return forbidden(c.apiKeySource === 'AUTHORIZER'
          ? `API Key not provided: method '${c.httpMethod} ${c.resourcePath}' requires an API Key and the API's key source is AUTHORIZER, but no authorizer returned a usageIdentifierKey`
          : `API Key not provided: method '${c.httpMethod} ${c.resourcePath}' requires an API Key in the X-API-Key header`);
      }
      const masked = maskKey(value);
      const key = await this.store.findKeyByValue(value);
      if (!key) return forbidden(`API Key ${masked} not authorized because method '${c.httpMethod} ${c.resourcePath}' requires API Key and API Key is not valid`);
      if (!key.enabled) return forbidden(`API Key ${masked} not authorized because method '${c.httpMethod} ${c.resourcePath}' requires API Key and API Key is disabled`);
      const plan = await this.planFor(key.id, c.apiId, stageName);
      if (!plan) {
        return forbidden(`API Key ${masked} not authorized because method '${c.httpMethod} ${c.resourcePath}' requires API Key and API Key is not associated with a Usage Plan for API Stage ${apiStage}`);
      }
      log.push(`API Key: ${masked}`, `API Key ID: ${key.id}`, `Usage Plan check succeeded for API Key ${masked} and API Stage ${apiStage}`);
      const stageOfPlan = plan.apiStages.find((s) => s.apiId === c.apiId && s.stage === stageName)!;
      const limit = methodThrottle(stageOfPlan, methodKey) ?? plan.throttle;
      const bucket = methodThrottle(stageOfPlan, methodKey) ? `key/${plan.id}/${key.id}/${methodKey}` : `key/${plan.id}/${key.id}`;
      if (limit && !this.buckets.take(bucket, limit.rateLimit, limit.burstLimit)) {
        return throttled(
          `API Key ${masked} exceeded throttle limit for API Stage ${apiStage}: Key throttle limit exceeded for Usage Plan ID ${plan.id}, ` +
            `RestApi ${c.apiId}, Stage ${stageName}, Resource ${c.resourceId}, HttpMethod ${c.httpMethod}. Limit: ${limit.rateLimit.toFixed(2)} Burst: ${limit.burstLimit}`,
        );
      }
      metered = { key, plan };
    }

    const stageLimit = stageThrottle(c.stage, c.resourcePath, c.httpMethod);
    if (stageLimit && !this.buckets.take(`stage/${apiStage}/${methodKey}`, stageLimit.rateLimit, stageLimit.burstLimit)) {
      return throttled(
        `Method throttle limit exceeded for RestApi ${c.apiId}, Stage ${stageName}, Resource ${c.resourceId}, HttpMethod ${c.httpMethod}. ` +
          `Limit: ${stageLimit.rateLimit.toFixed(2)} Burst: ${stageLimit.burstLimit}`,
      );
    }

    if (!metered) return { ok: true, log };
    const { key, plan } = metered;
    const counted = await this.store.count(plan.id, key.id, plan.quota, this.now());
    if (!counted.allowed) {
      return {
        ok: false,
        error: { type: 'QUOTA_EXCEEDED', message: 'Limit Exceeded' },
        log: [...log, `API Key ${maskKey(key.value)} exceeded quota limit for API Stage ${apiStage}: Key quota exhausted for Usage Plan ID ${plan.id}. Limit: ${counted.limit} Period: ${counted.period}`],
      };
    }
    return { ok: true, apiKey: { id: key.id, value: key.value }, log };
  }

  /** The usage plan through which `keyId` may call the API stage (a key is in at most one plan per stage). */
  private async planFor(keyId: string, apiId: string, stage: string): Promise<UsagePlan | undefined> {
    const plans = (await this.store.listPlans()).filter((p) => p.apiStages.some((s) => s.apiId === apiId && s.stage === stage));
    for (const plan of plans) if (await this.store.getPlanKey(plan.id, keyId)) return plan;
    return undefined;
  }
}

/** A plan's throttle for one method of a stage (`/pets/GET`; the root resource also as `//GET`). */
function methodThrottle(stage: ApiStage, methodKey: string): ThrottleSettings | undefined {
  const t = stage.throttle;
  if (!t) return undefined;
  return t[methodKey] ?? (methodKey.startsWith('//') ? t[methodKey.slice(1)] : t[`/${methodKey}`]);
}

/**
 * The stage's throttling for a method: its own method settings (under any key that names it,
 * `~1streams~1{name}/GET` or `streams/{name}/GET`: see method-settings.ts), each limit falling back
 * to `*` / `*`'s. Undefined when neither sets one. `httpMethod` is the method's own verb.
 */
export function stageThrottle(stage: Stage, resourcePath: string, httpMethod: string): ThrottleSettings | undefined {
  const setting = methodSettingLookup(stage.methodSettings, resourcePath, httpMethod);
  const pick = (field: string): number | undefined => {
    const v = setting(field);
    // A negative limit (-1, as Terraform sends for limits it doesn't manage) is not set: the account's applies.
    return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;
  };
  const rate = pick('throttlingRateLimit');
  const burst = pick('throttlingBurstLimit');
  if (rate === undefined && burst === undefined) return undefined;
  return { rateLimit: rate ?? ACCOUNT_RATE, burstLimit: burst ?? ACCOUNT_BURST };
}
