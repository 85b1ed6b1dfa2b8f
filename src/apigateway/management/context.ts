/** What every management handler works with. */
import type { RestApiStore } from '../api-store.js';
import type { Executor } from '../execute.js';
import type { ApiRepository } from '../persistence.js';
import type { StageRegistry } from '../stages.js';
import type { TemplateCache } from '../templates.js';
import type { UsageStore } from '../usage/store.js';

/** What API Gateway asks IAM about a role a call gives it (UpdateAccount's cloudwatchRoleArn). */
export interface RoleChecks {
  /** Whether API Gateway can assume the role, and the role may then do every one of `actions` on "*". */
  canActAs(roleArn: string, actions: readonly string[]): boolean;
}

export interface ManagementContext {
  readonly region: string;
  readonly accountId: string;
  /** Current (undeployed) API states. */
  readonly apis: RestApiStore;
  /** Deployments and stage documents. */
  readonly repo: ApiRepository;
  /** Stages the runtime serves. */
  readonly stages: StageRegistry;
  readonly templates: TemplateCache;
  readonly executor: Executor;
  /** IAM's answers about roles; absent = every role is taken as given. */
  readonly roles?: RoleChecks;
  /** API keys, usage plans and their counters. */
  readonly usage: UsageStore;
}

/** Epoch seconds now (the model's dates). */
export const nowSeconds = (): number => Math.floor(Date.now() / 1000);
