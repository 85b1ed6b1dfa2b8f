/**
 * API keys, usage plans and what is counted against them, as API Gateway
 * keeps them (the ApiKey, UsagePlan and UsagePlanKey shapes of botocore's
 * model), stored in the DocumentStore so every process serving the data dir
 * sees the same keys, plans and counters.
 */

/** `rateLimit` is requests per second (a token bucket's refill), `burstLimit` its capacity. */
export interface ThrottleSettings {
  readonly burstLimit: number;
  readonly rateLimit: number;
}

export type QuotaPeriod = 'DAY' | 'WEEK' | 'MONTH';

export interface QuotaSettings {
  readonly limit: number;
  /** The day a period starts on: 0 for DAY; 0 (Sunday) to 6 for WEEK; 0 (the 1st) to 27 for MONTH. */
  readonly offset: number;
  readonly period: QuotaPeriod;
}

export interface ApiStage {
  readonly apiId: string;
  readonly stage: string;
  /** `{resourcePath}/{httpMethod}` (`/pets/GET`) → that method's per-key throttle. */
  readonly throttle?: Record<string, ThrottleSettings>;
}

export interface ApiKey {
  /** 10 lowercase alphanumerics. */
  readonly id: string;
  /** 20–128 characters; generated ones are 40 alphanumerics. */
  readonly value: string;
  readonly name?: string;
  readonly description?: string;
  readonly customerId?: string;
  readonly enabled: boolean;
  /** Epoch seconds. */
  readonly createdDate: number;
  readonly lastUpdatedDate: number;
  /** Legacy `{restApiId}/{stageName}` associations (recorded; usage plans decide who may call what). */
  readonly stageKeys: readonly string[];
  readonly tags?: Record<string, string>;
  /** Epoch milliseconds, for listing newest first. */
  readonly createdMs: number;
}

export interface UsagePlan {
  readonly id: string;
  readonly name: string;
  readonly description?: string;
  readonly apiStages: readonly ApiStage[];
  readonly throttle?: ThrottleSettings;
  readonly quota?: QuotaSettings;
  readonly productCode?: string;
  readonly tags?: Record<string, string>;
  readonly createdMs: number;
}

/** An API key's membership of a usage plan. */
export interface UsagePlanKey {
  readonly usagePlanId: string;
  readonly keyId: string;
  readonly type: 'API_KEY';
  readonly createdMs: number;
}

/** Requests a key made through a plan on one UTC day, and the quota left after the last of them. */
export interface DailyUsage {
  readonly used: number;
  /** Remaining quota of the period when the day's last request was counted (0 when the plan has no quota). */
  readonly remaining: number;
}

/** The quota period a key is in for a plan, and how much of it is used. */
export interface QuotaState {
  /** First day of the period, YYYY-MM-DD (UTC). */
  readonly periodStart: string;
  readonly period: QuotaPeriod;
  readonly used: number;
}
