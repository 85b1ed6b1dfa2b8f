/**
 * Storing APIs, deployments and stages in the DocumentStore so deployed APIs
 * survive restarts. One document per RestApi (the management API edits it as
 * a whole), per Deployment (a frozen snapshot) and per Stage.
 */
import type { DocumentStore } from '../store/documents.js';
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

  deleteApi(id: string): Promise<boolean> {
    return this.docs.delete(API, id);
  }

  putApi(api: RestApi): Promise<void> {
    return this.docs.put(API, api.id, api);
  }

  putDeployment(d: Deployment): Promise<void> {
    return this.docs.put(DEPLOYMENT, `${d.restApiId}:${d.id}`, d);
  }

  getDeployment(apiId: string, id: string): Promise<Deployment | undefined> {
    return this.docs.get<Deployment>(DEPLOYMENT, `${apiId}:${id}`);
  }

  async listDeployments(apiId: string): Promise<Deployment[]> {
    return (await this.docs.list<Deployment>(DEPLOYMENT)).filter((e) => e.id.startsWith(`${apiId}:`)).map((e) => e.doc);
  }

  deleteDeployment(apiId: string, id: string): Promise<boolean> {
    return this.docs.delete(DEPLOYMENT, `${apiId}:${id}`);
  }

  putStage(s: Stage): Promise<void> {
    return this.docs.put(STAGE, `${s.restApiId}:${s.stageName}`, s);
  }

  getStage(apiId: string, name: string): Promise<Stage | undefined> {
    return this.docs.get<Stage>(STAGE, `${apiId}:${name}`);
  }

  deleteStage(apiId: string, name: string): Promise<boolean> {
    return this.docs.delete(STAGE, `${apiId}:${name}`);
  }

  async listStages(): Promise<Stage[]> {
    return (await this.docs.list<Stage>(STAGE)).map((e) => e.doc);
  }
}
