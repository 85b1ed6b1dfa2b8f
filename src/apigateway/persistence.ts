/**
 * Storing APIs, deployments and stages in the DocumentStore so deployed APIs
 * survive restarts. One document per RestApi (the management API edits it as
 * a whole), per Deployment (a frozen snapshot) and per Stage.
 *
 * Every write is a compare-and-set on the stored revision (a create is one on
 * revision 0), so two processes sharing the store (cluster mode) cannot both
 * win a race: the loser re-reads and decides again. There is no
 * unconditional put or delete here.
 */
import { deleteDocument, updateDocument, type DocumentStore, type Versioned } from '../store/documents.js';
import type { Deployment, RestApi, Stage } from './model.js';

const API = 'apigateway.restapi';
const DEPLOYMENT = 'apigateway.deployment';
const STAGE = 'apigateway.stage';

export class ApiRepository {
  constructor(private readonly docs: DocumentStore) {}

  /** The store itself, for what is kept beside APIs (account settings, VPC links, domain names...: account-resources.ts). */
  get documents(): DocumentStore {
    return this.docs;
  }

  getApi(id: string): Promise<RestApi | undefined> {
    return this.docs.get<RestApi>(API, id);
  }

  /** The API with its stored revision, for a compare-and-set edit. */
  getApiVersioned(id: string): Promise<{ doc: RestApi; revision: number } | undefined> {
    return this.docs.getVersioned<RestApi>(API, id);
  }

  /** Stores the API if its stored revision is still `revision` (RevisionConflict otherwise). */
  async putApiIf(api: RestApi, revision: number): Promise<void> {
    await this.docs.putIf(API, api.id, api, revision);
  }

  async listApis(): Promise<RestApi[]> {
    return (await this.docs.list<RestApi>(API)).map((e) => e.doc);
  }

  /** The API an earlier deploy of the definition titled `name` created (never one made through the management API). */
  async findDeployedDefinition(name: string): Promise<RestApi | undefined> {
    return (await this.listApis()).find((a) => a.deployedFrom === name);
  }

  /**
   * Stores `api` in place of whatever is stored under its id (file deploys replace an API as a
   * whole), by compare-and-set on the revision read: a write that lands between the read and this
   * one makes it read again, so it is never lost silently under another node's write.
   */
  async replaceApi(api: RestApi): Promise<void> {
    await updateDocument<RestApi>(this.docs, API, api.id, () => api);
  }

  /** Deletes the API on the revision read; `check` sees it first (and again if it changed meanwhile). */
  deleteApi(id: string, check?: (current: RestApi | undefined) => void): Promise<RestApi | undefined> {
    return deleteDocument<RestApi>(this.docs, API, id, check);
  }

  /** Stores a new deployment: a create (RevisionConflict if the id is taken). */
  async createDeployment(d: Deployment): Promise<void> {
    await this.docs.putIf(DEPLOYMENT, `${d.restApiId}:${d.id}`, d, 0);
  }

  getDeployment(apiId: string, id: string): Promise<Deployment | undefined> {
    return this.docs.get<Deployment>(DEPLOYMENT, `${apiId}:${id}`);
  }

  /** Changes a deployment by compare-and-set (`change` runs again on the stored one if another writer got there first). */
  async updateDeployment(apiId: string, id: string, change: (current: Deployment | undefined) => Deployment | Promise<Deployment>): Promise<Deployment> {
    return (await updateDocument<Deployment>(this.docs, DEPLOYMENT, `${apiId}:${id}`, change)).doc;
  }

  async listDeployments(apiId: string): Promise<Deployment[]> {
    return (await this.docs.list<Deployment>(DEPLOYMENT)).filter((e) => e.id.startsWith(`${apiId}:`)).map((e) => e.doc);
  }

  /** Deletes a deployment on the revision read; `check` sees it first (and again if it changed meanwhile). */
  deleteDeployment(apiId: string, id: string, check?: (current: Deployment | undefined) => void | Promise<void>): Promise<Deployment | undefined> {
    return deleteDocument<Deployment>(this.docs, DEPLOYMENT, `${apiId}:${id}`, check);
  }

  getStage(apiId: string, name: string): Promise<Stage | undefined> {
    return this.docs.get<Stage>(STAGE, `${apiId}:${name}`);
  }

  /** The stage with its stored revision, for a compare-and-set change. */
  getStageVersioned(apiId: string, name: string): Promise<Versioned<Stage> | undefined> {
    return this.docs.getVersioned<Stage>(STAGE, `${apiId}:${name}`);
  }

  /** Stores the stage if its stored revision is still `revision` (0: only if there is none); the new revision. */
  putStageIf(s: Stage, revision: number): Promise<number> {
    return this.docs.putIf(STAGE, `${s.restApiId}:${s.stageName}`, s, revision);
  }

  /** Deletes the stage if it is still at `revision` (RevisionConflict otherwise). */
  deleteStageIf(apiId: string, name: string, revision: number): Promise<void> {
    return this.docs.deleteIf(STAGE, `${apiId}:${name}`, revision);
  }

  async listStages(): Promise<Stage[]> {
    return (await this.docs.list<Stage>(STAGE)).map((e) => e.doc);
  }
}
