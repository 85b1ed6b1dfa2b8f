/**
 * Management writes by compare-and-set, on the embedded store: a second
 * process sharing the store is simulated by writing through the same
 * DocumentStore (with a second management context, as another node would)
 * between this node's read and its write. The change must run again on what
 * the other wrote, or the loser must get AWS's error; nothing may be lost.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { defaultConfig } from '../../server/config.js';
import type { DocumentStore } from '../../store/documents.js';
import { SqliteStore } from '../../store/sqlite.js';
import { RestApiStore } from '../api-store.js';
import { ApiGatewayError } from '../errors.js';
import { createApiGateway } from '../index.js';
import { ApiRepository } from '../persistence.js';
import { StageRegistry } from '../stages.js';
import { TemplateCache } from '../templates.js';
import { UsageStore } from '../usage/store.js';
import { createApiKey, getApiKeys } from './api-keys.js';
import type { ManagementContext } from './context.js';
import { createStage, deleteStage, getStage, updateStage } from './stages.js';
import { createUsagePlan, getUsagePlan, updateUsagePlan } from './usage-plans.js';

const ACCOUNT = '111122223333';
const EXAMPLE = fileURLToPath(new URL('../../../../examples/kinesis-proxy/kinesis-proxy.yaml', import.meta.url));
const dispatch = async (): Promise<never> => {
  throw new Error('not called');
};

/** The store as this node sees it: the first versioned read of `kind` is followed by `meanwhile` (the other node's write) before it is answered. */
class Interposed {
  private pending: { kind: string; work: () => Promise<unknown> } | undefined;
  /** Versioned reads of each kind made through this view. */
  readonly reads = new Map<string, number>();
  readonly store: DocumentStore;

  constructor(inner: DocumentStore) {
    this.store = new Proxy(inner, {
      get: (target, prop) => {
        if (prop === 'getVersioned') {
          return async (kind: string, id: string) => {
            const read = await target.getVersioned(kind, id);
            this.reads.set(kind, (this.reads.get(kind) ?? 0) + 1);
            const p = this.pending;
            if (p && p.kind === kind) {
              this.pending = undefined;
              await p.work();
            }
            return read;
          };
        }
        const v = Reflect.get(target, prop, target) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
  }

  meanwhile(kind: string, work: () => Promise<unknown>): void {
    this.reads.clear();
    this.pending = { kind, work };
  }

  get ran(): boolean {
    return this.pending === undefined;
  }
}

function contextOver(docs: DocumentStore): ManagementContext {
  const repo = new ApiRepository(docs);
  const templates = new TemplateCache();
  return {
    region: 'us-east-1',
    accountId: ACCOUNT,
    apis: new RestApiStore(repo, ACCOUNT),
    repo,
    stages: new StageRegistry(repo, templates, () => {}),
    templates,
    executor: undefined as never,
    usage: new UsageStore(docs),
  };
}

/** Two nodes over one store: `a` sees it through an Interposed view, `b` directly; an API deployed to `prod`. */
async function twoNodes(): Promise<{ a: ManagementContext; b: ManagementContext; view: Interposed; apiId: string; deploymentId: string; store: SqliteStore }> {
  const store = new SqliteStore(undefined);
  const gateway = await createApiGateway({ config: { ...defaultConfig, dataDir: undefined, accountId: ACCOUNT }, documents: store, deployConfigured: false, dispatch });
  const api = await gateway.deployDefinition(readFileSync(EXAMPLE, 'utf8'), 'prod');
  const view = new Interposed(store);
  const a = contextOver(view.store);
  const b = contextOver(store);
  const deploymentId = (await a.repo.listDeployments(api.id))[0]!.id;
  return { a, b, view, apiId: api.id, deploymentId, store };
}

const isAws = (type: string, message?: string) => (e: unknown): boolean =>
  e instanceof ApiGatewayError && e.type === type && (message === undefined || e.message === message);

describe('management writes by compare-and-set (a second node writing between read and write)', () => {
  it('CreateStage: the other node created the stage first; this one answers ConflictException and the other stage is kept', async () => {
    const { a, b, view, apiId, deploymentId } = await twoNodes();
    view.meanwhile('apigateway.stage', () => createStage(b, { restApiId: apiId, stageName: 'beta', deploymentId, description: 'from b' }));
    await assert.rejects(createStage(a, { restApiId: apiId, stageName: 'beta', deploymentId, description: 'from a' }), isAws('ConflictException', 'Stage already exists'));
    assert.ok(view.ran);
    assert.equal(view.reads.get('apigateway.stage'), 2, 'read, lost the create, read again');
    assert.equal((await getStage(a, { restApiId: apiId, stageName: 'beta' }))['description'], 'from b');
  });

  it('UpdateStage: a change the other node made meanwhile is kept, this one is applied over it', async () => {
    const { a, b, view, apiId } = await twoNodes();
    view.meanwhile('apigateway.stage', () => updateStage(b, { restApiId: apiId, stageName: 'prod', patchOperations: [{ op: 'replace', path: '/variables/color', value: 'blue' }] }));
    await updateStage(a, { restApiId: apiId, stageName: 'prod', patchOperations: [{ op: 'replace', path: '/description', value: 'from a' }] });
    assert.ok(view.ran);
    const stage = await getStage(b, { restApiId: apiId, stageName: 'prod' });
    assert.equal(stage['description'], 'from a');
    assert.deepEqual(stage['variables'], { color: 'blue' });
    // What this node serves is the stage as stored, both changes in it.
    const served = a.stages.get(apiId, 'prod')!.stage;
    assert.equal(served.description, 'from a');
    assert.deepEqual(served.variables, { color: 'blue' });
  });

  it('DeleteStage: a stage the other node changed meanwhile is read again and deleted; one it deleted is NotFound', async () => {
    const { a, b, view, apiId } = await twoNodes();
    view.meanwhile('apigateway.stage', () => updateStage(b, { restApiId: apiId, stageName: 'prod', patchOperations: [{ op: 'replace', path: '/description', value: 'b' }] }));
    await deleteStage(a, { restApiId: apiId, stageName: 'prod' });
    assert.equal(view.reads.get('apigateway.stage'), 2);
    assert.equal(await b.repo.getStage(apiId, 'prod'), undefined);
    assert.equal(a.stages.get(apiId, 'prod'), undefined);

    const second = await twoNodes();
    second.view.meanwhile('apigateway.stage', () => deleteStage(second.b, { restApiId: second.apiId, stageName: 'prod' }));
    // The read saw the stage; the delete on that revision lost; the stage is gone on the second read.
    await assert.rejects(updateStage(second.a, { restApiId: second.apiId, stageName: 'prod', patchOperations: [{ op: 'replace', path: '/description', value: 'a' }] }), isAws('NotFoundException', 'Invalid Stage identifier specified'));
    assert.equal(await second.b.repo.getStage(second.apiId, 'prod'), undefined, 'the update did not bring the stage back');
  });

  it('CreateApiKey: two keys with one value, the other node first: this one answers ConflictException "API Key already exists", one key has the value', async () => {
    const { a, b, view } = await twoNodes();
    const value = 'a-value-of-at-least-twenty-characters';
    let theirs: Record<string, unknown> | undefined;
    view.meanwhile('apigateway.apikey-value', async () => {
      theirs = await createApiKey(b, { name: 'b', value });
    });
    await assert.rejects(createApiKey(a, { name: 'a', value }), isAws('ConflictException', 'API Key already exists'));
    assert.ok(view.ran);
    const keys = (await getApiKeys(b, { includeValues: true }))['items'] as Array<Record<string, unknown>>;
    assert.deepEqual(keys.map((k) => [k['id'], k['name'], k['value']]), [[theirs!['id'], 'b', value]]);
    assert.equal((await b.usage.findKeyByValue(value))?.id, theirs!['id']);
  });

  it('CreateApiKey: an index document whose key is gone (a node died between the two writes) is taken over', async () => {
    const { a, store } = await twoNodes();
    const value = 'another-value-of-twenty-characters';
    const { createHash } = await import('node:crypto');
    await store.putIf('apigateway.apikey-value', createHash('sha256').update(value).digest('hex'), { keyId: 'gone' }, 0);
    const key = await createApiKey(a, { name: 'a', value });
    assert.equal((await a.usage.findKeyByValue(value))?.id, key['id']);
  });

  it('UpdateUsagePlan: a change the other node made meanwhile is kept', async () => {
    const { a, b, view } = await twoNodes();
    const plan = await createUsagePlan(a, { name: 'gold' });
    const id = plan['id'] as string;
    view.meanwhile('apigateway.usageplan', () => updateUsagePlan(b, { usagePlanId: id, patchOperations: [{ op: 'replace', path: '/description', value: 'from b' }] }));
    await updateUsagePlan(a, { usagePlanId: id, patchOperations: [{ op: 'replace', path: '/name', value: 'platinum' }] });
    assert.ok(view.ran);
    const stored = await getUsagePlan(b, { usagePlanId: id });
    assert.equal(stored['name'], 'platinum');
    assert.equal(stored['description'], 'from b');
  });
});

describe('the bundled KinesisProxy example, imported once per store', () => {
  const start = (documents: DocumentStore, log?: (line: string) => void) =>
    createApiGateway({ config: { ...defaultConfig, dataDir: undefined, accountId: ACCOUNT, apis: [] }, documents, dispatch, ...(log ? { log } : {}) });

  it('two nodes starting at the same instant on an empty store import it once; both serve it', async () => {
    const store = new SqliteStore(undefined);
    const logs: string[][] = [[], []];
    const [g1, g2] = await Promise.all([start(store, (l) => logs[0]!.push(l)), start(store, (l) => logs[1]!.push(l))]);
    const apis = (await g1.listApis()).filter((x) => x.name === 'KinesisProxy');
    assert.equal(apis.length, 1, 'one copy');
    assert.equal((await g2.listApis()).length, 1);
    const imported = logs.map((l) => l.some((line) => line.includes('imported the bundled KinesisProxy example')));
    assert.deepEqual(imported.filter(Boolean).length, 1, 'one node imported it');
    await new Promise((r) => setImmediate(r));
    assert.ok(g1.deployedApis().some((d) => d.id === apis[0]!.id));
    assert.ok(g2.deployedApis().some((d) => d.id === apis[0]!.id), 'the other node serves the stage the importer deployed');
    const marker = await store.get<Record<string, unknown>>('sluice.bundled-example', 'kinesis-proxy');
    assert.deepEqual(marker, { apiId: apis[0]!.id, securedForSigv4: false });
    // A restart imports nothing more.
    await start(store);
    assert.equal((await g1.listApis()).length, 1);
  });

  it('an import whose node died long ago (its marker still says importing) is finished under the id it claimed', async () => {
    const store = new SqliteStore(undefined);
    await store.putIf('sluice.bundled-example', 'kinesis-proxy', { apiId: 'claimed123', securedForSigv4: false, importing: Date.now() - 60_000 }, 0);
    const g = await start(store);
    assert.deepEqual((await g.listApis()).map((x) => [x.id, x.name]), [['claimed123', 'KinesisProxy']]);
    assert.deepEqual(await store.get('sluice.bundled-example', 'kinesis-proxy'), { apiId: 'claimed123', securedForSigv4: false });
  });
});
