/** One API: the resource tree on the left; the selected resource or method on the right. */
import { useState } from 'preact/hooks';
import { ErrorAlert, Loading } from '../components/Alert.js';
import { PageHeader } from '../components/Layout.js';
import { Link } from '../components/Link.js';
import { ResourceTree } from '../components/ResourceTree.js';
import { apigateway } from '../clients/apigateway.js';
import { useAsync } from '../lib/hooks.js';
import { href } from '../router.js';
import { DeployForm } from './DeployForm.js';
import { MethodPanel } from './method/MethodPanel.js';
import { ResourcePanel } from './ResourcePanel.js';

export function ApiPage({ apiId, resourceId, verb, view }: { apiId: string; resourceId?: string | undefined; verb?: string | undefined; view: 'execution' | 'test' }) {
  const api = useAsync(() => apigateway.getRestApi(apiId), [apiId]);
  const resources = useAsync(() => apigateway.getResources(apiId), [apiId]);
  const [deploying, setDeploying] = useState(false);
  const root = resources.data?.find((r) => r.path === '/');
  const selected = resources.data?.find((r) => r.id === resourceId) ?? (resourceId ? undefined : root);

  return (
    <section>
      <PageHeader
        title={api.data?.name ?? apiId}
        crumbs={[{ label: 'APIs', href: href('apis') }]}
        actions={
          <>
            <Link class="button secondary" href={href('apis', apiId, 'stages')}>
              Stages
            </Link>
            <button type="button" class="primary" aria-expanded={deploying} onClick={() => setDeploying(!deploying)}>
              Deploy API
            </button>
          </>
        }
      />
      {api.data?.description ? <p class="muted">{api.data.description}</p> : null}
      <ErrorAlert error={api.error} title="Could not load the API" />
      {deploying ? <DeployForm apiId={apiId} onDone={() => setDeploying(false)} /> : null}
      <div class="split">
        <aside class="card tree-pane" aria-label="Resources">
          <h2 class="card-title">Resources</h2>
          <ErrorAlert error={resources.error} title="Could not load resources" />
          {resources.data ? (
            <ResourceTree apiId={apiId} resources={resources.data} selectedResource={selected?.id} selectedVerb={verb} />
          ) : resources.loading ? (
            <Loading what="resources" />
          ) : null}
        </aside>
        <div class="detail-pane">
          {selected && verb ? (
            <MethodPanel key={`${selected.id}/${verb}`} apiId={apiId} resource={selected} verb={verb} view={view} onChanged={resources.reload} />
          ) : selected ? (
            <ResourcePanel key={selected.id} apiId={apiId} resource={selected} onChanged={resources.reload} />
          ) : resources.data ? (
            <p>No resource {resourceId} in this API.</p>
          ) : null}
        </div>
      </div>
    </section>
  );
}
