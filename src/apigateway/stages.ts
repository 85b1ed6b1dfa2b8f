/**
 * The stages the runtime serves: each stored Stage compiled against the
 * Deployment it points at. Both file deploys and the management API change
 * stages only through here, so what is stored and what is served never drift.
 */
import { compileStage, type CompiledStage } from './compiled-stage.js';
import type { Deployment, Stage } from './model.js';
import type { ApiRepository } from './persistence.js';
import type { TemplateCache } from './templates.js';
import { retryOnConflict, type DocumentChange } from '../store/documents.js';

const STAGE_KIND = 'apigateway.stage';
import type { LogFn } from '../server/logger.js';
import { KeyedQueue } from './keyed-queue.js';

const key = (apiId: string, stage: string): string => `${apiId}/${stage}`;

export class StageRegistry {
  private readonly compiled = new Map<string, CompiledStage>();
  /** The stored revision of each stage served (and of each seen deleted), so a late change never replaces a newer one. */
  private readonly revisions = new Map<string, number>();
  private readonly queue = new KeyedQueue();

  constructor(
    private readonly repo: ApiRepository,
    private readonly templates: TemplateCache,
    private readonly log: LogFn,
  ) {}

  get(apiId: string, stage: string): CompiledStage | undefined {
    return this.compiled.get(key(apiId, stage));
  }

  all(): CompiledStage[] {
    return [...this.compiled.values()];
  }

  /** Compiles every stored stage (a stage whose deployment can't be compiled is logged and skipped). */
  async load(): Promise<void> {
    for (const stage of await this.repo.listStages()) {
      const deployment = await this.repo.getDeployment(stage.restApiId, stage.deploymentId);
      if (!deployment) continue;
      try {
        this.compiled.set(key(stage.restApiId, stage.stageName), compileStage(deployment, stage, this.templates));
      } catch (err) {
        this.log(`apigateway: stage ${stage.stageName} of API ${stage.restApiId} could not be loaded: ${(err as Error).message}`, 'error');
      }
    }
  }

  /**
   * Creates or changes a stage by compare-and-set on its stored revision:
   * `decide` gets the stored stage (undefined when there is none) and returns
   * the stage to store with the deployment it serves, or throws (AWS's
   * error; nothing is stored). The stage is compiled before it is stored, so
   * a deployment that can't run never replaces one that can. When another
   * writer (another node) changed the stage between the read and the write,
   * `decide` runs again on the stage as that writer left it: a CreateStage
   * that lost finds the stage and answers ConflictException, an UpdateStage
   * applies its patch over the other change.
   */
  write(apiId: string, stageName: string, decide: (current: Stage | undefined) => Promise<{ stage: Stage; deployment: Deployment }>): Promise<Stage> {
    const k = key(apiId, stageName);
    // One at a time within this process only saves retries; the compare-and-set is what makes it correct.
    return this.serialized(k, () => retryOnConflict(async () => {
      const stored = await this.repo.getStageVersioned(apiId, stageName);
      const { stage, deployment } = await decide(stored?.doc);
      if (stage.restApiId !== apiId || stage.stageName !== stageName) throw new Error(`stage ${apiId}/${stageName} written as ${stage.restApiId}/${stage.stageName}`);
      const compiled = compileStage(deployment, stage, this.templates);
      const revision = await this.repo.putStageIf(stage, stored?.revision ?? 0);
      if (revision >= (this.revisions.get(k) ?? 0)) {
        this.revisions.set(k, revision);
        this.compiled.set(k, compiled);
      }
      return stage;
    }));
  }

  /**
   * Deletes a stage by compare-and-set on the revision read; `check` sees the
   * stored stage first (undefined: there is none) and may refuse. Resolves
   * to whether there was a stage to delete.
   */
  delete(apiId: string, stageName: string, check?: (current: Stage | undefined) => void): Promise<boolean> {
    const k = key(apiId, stageName);
    return this.serialized(k, () => retryOnConflict(async () => {
      const stored = await this.repo.getStageVersioned(apiId, stageName);
      check?.(stored?.doc);
      if (stored) await this.repo.deleteStageIf(apiId, stageName, stored.revision);
      this.compiled.delete(k);
      return stored !== undefined;
    }));
  }

  /**
   * A stage stored by another node (cluster mode), or the echo of our own:
   * compiled and served unless what is served already is that stage or a
   * newer one.
   */
  async changed(c: DocumentChange): Promise<void> {
    if (c.kind !== STAGE_KIND) return;
    const at = c.id.indexOf(':');
    const apiId = c.id.slice(0, at);
    const stageName = c.id.slice(at + 1);
    const k = key(apiId, stageName);
    if (c.revision <= (this.revisions.get(k) ?? 0)) return;
    this.revisions.set(k, c.revision);
    if (c.doc === undefined) {
      this.compiled.delete(k);
      return;
    }
    const stage = c.doc as Stage;
    const current = this.compiled.get(k);
    if (current && JSON.stringify(current.stage) === JSON.stringify(stage)) return;
    const deployment = await this.repo.getDeployment(apiId, stage.deploymentId);
    if (!deployment || this.revisions.get(k) !== c.revision) return;
    try {
      this.compiled.set(k, compileStage(deployment, stage, this.templates));
    } catch (err) {
      this.log(`apigateway: stage ${stageName} of API ${apiId} could not be loaded: ${(err as Error).message}`);
    }
  }

  private serialized<T>(id: string, work: () => Promise<T>): Promise<T> {
    return this.queue.run(id, work);
  }
}
