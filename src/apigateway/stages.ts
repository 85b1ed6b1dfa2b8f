/**
 * The stages the runtime serves: each stored Stage compiled against the
 * Deployment it points at. Both file deploys and the management API change
 * stages only through here, so what is stored and what is served never drift.
 */
import { compileStage, type CompiledStage } from './compiled-stage.js';
import type { Deployment, Stage } from './model.js';
import type { ApiRepository } from './persistence.js';
import type { TemplateCache } from './templates.js';
import type { DocumentChange } from '../store/documents.js';

const STAGE_KIND = 'apigateway.stage';
import type { LogFn } from '../server/logger.js';

const key = (apiId: string, stage: string): string => `${apiId}/${stage}`;

export class StageRegistry {
  private readonly compiled = new Map<string, CompiledStage>();

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
   * Stores `stage` and serves `deployment` on it. Compiles first, so a
   * deployment that can't run never replaces one that can.
   */
  async put(stage: Stage, deployment: Deployment): Promise<CompiledStage> {
    const compiled = compileStage(deployment, stage, this.templates);
    await this.repo.putStage(stage);
    this.compiled.set(key(stage.restApiId, stage.stageName), compiled);
    return compiled;
  }

  /**
   * A stage stored by another node (cluster mode), or the echo of our own:
   * compiled and served unless what is served already is that stage.
   */
  async changed(c: DocumentChange): Promise<void> {
    if (c.kind !== STAGE_KIND) return;
    const at = c.id.indexOf(':');
    const apiId = c.id.slice(0, at);
    const stageName = c.id.slice(at + 1);
    const k = key(apiId, stageName);
    if (c.doc === undefined) {
      this.compiled.delete(k);
      return;
    }
    const stage = c.doc as Stage;
    const current = this.compiled.get(k);
    if (current && JSON.stringify(current.stage) === JSON.stringify(stage)) return;
    const deployment = await this.repo.getDeployment(apiId, stage.deploymentId);
    if (!deployment) return;
    try {
      this.compiled.set(k, compileStage(deployment, stage, this.templates));
    } catch (err) {
      this.log(`apigateway: stage ${stageName} of API ${apiId} could not be loaded: ${(err as Error).message}`);
    }
  }

  async delete(apiId: string, stageName: string): Promise<void> {
    await this.repo.deleteStage(apiId, stageName);
    this.compiled.delete(key(apiId, stageName));
  }
}
