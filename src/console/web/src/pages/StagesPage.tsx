/** An API's stages and deployments: deploy, the invoke URL to copy, export, delete. */
import { ErrorAlert, Loading } from '../components/Alert.js';
import { ConfirmButton } from '../components/ConfirmButton.js';
import { CopyField } from '../components/CopyField.js';
import { PageHeader } from '../components/Layout.js';
import { Link } from '../components/Link.js';
import { TableHead } from '../components/TableHead.js';
import { apigateway, invokeUrl } from '../clients/apigateway.js';
import { formatEpochSeconds } from '../lib/format.js';
import { useAction, useAsync } from '../lib/hooks.js';
import { href } from '../router.js';
import { DeployForm } from './DeployForm.js';
import { ExportForm } from './ExportForm.js';

export function StagesPage({ apiId }: { apiId: string }) {
  const api = useAsync(() => apigateway.getRestApi(apiId), [apiId]);
  const stages = useAsync(() => apigateway.getStages(apiId), [apiId]);
  const deployments = useAsync(() => apigateway.getDeployments(apiId), [apiId]);
  const action = useAction();
  const reload = (): void => {
    stages.reload();
    deployments.reload();
  };
  const name = api.data?.name ?? apiId;

  return (
    <section>
      <PageHeader
        title={`Stages of ${name}`}
        crumbs={[
          { label: 'APIs', href: href('apis') },
          { label: name, href: href('apis', apiId) },
        ]}
        actions={
          <Link class="button secondary" href={href('apis', apiId)}>
            Resources
          </Link>
        }
      />
      <DeployForm key={String(stages.data?.length)} apiId={apiId} />
      <button type="button" class="link" onClick={reload}>
        Refresh
      </button>
      <ErrorAlert error={action.error} />
      <section class="card" aria-labelledby="stages-title">
        <h2 id="stages-title" class="card-title">
          Stages
        </h2>
        <ErrorAlert error={stages.error} title="Could not list stages" />
        {stages.data === undefined ? (
          stages.loading ? <Loading what="stages" /> : null
        ) : stages.data.length === 0 ? (
          <p class="muted">Not deployed yet.</p>
        ) : (
          stages.data.map((s) => (
            <article class="stage" aria-label={`Stage ${s.stageName}`}>
              <div class="row spread">
                <h3>
                  <Link href={href('apis', apiId, 'stages', s.stageName)}>{s.stageName}</Link>
                </h3>
                <ConfirmButton label="Delete stage" onConfirm={() => void action.run(() => apigateway.deleteStage(apiId, s.stageName)).then(reload)} />
              </div>
              <dl class="facts">
                <div>
                  <dt>Deployment</dt>
                  <dd class="mono">{s.deploymentId ?? '—'}</dd>
                </div>
                <div>
                  <dt>Created</dt>
                  <dd>{formatEpochSeconds(s.createdDate)}</dd>
                </div>
                <div>
                  <dt>Last updated</dt>
                  <dd>{formatEpochSeconds(s.lastUpdatedDate)}</dd>
                </div>
                <div>
                  <dt>Stage variables</dt>
                  <dd class="mono small">
                    {Object.entries(s.variables ?? {}).length ? Object.entries(s.variables ?? {}).map(([k, v]) => `${k}=${v}`).join(', ') : 'none'}
                  </dd>
                </div>
              </dl>
              <CopyField label={`Invoke URL of ${s.stageName}`} value={invokeUrl(apiId, s.stageName)} />
            </article>
          ))
        )}
      </section>
      {api.data && stages.data?.length ? (
        <section class="card" aria-labelledby="export-title">
          <h2 id="export-title" class="card-title">
            Export
          </h2>
          <ExportForm api={api.data} />
        </section>
      ) : null}
      <section class="card" aria-labelledby="deployments-title">
        <h2 id="deployments-title" class="card-title">
          Deployments
        </h2>
        <ErrorAlert error={deployments.error} title="Could not list deployments" />
        {deployments.data === undefined ? (
          deployments.loading ? <Loading what="deployments" /> : null
        ) : deployments.data.length === 0 ? (
          <p class="muted">No deployments.</p>
        ) : (
          <div class="table-wrap">
            <table>
              <TableHead columns={['Deployment', 'Description', 'Created', 'Stages']} />
              <tbody>
                {[...deployments.data]
                  .sort((a, b) => (b.createdDate ?? 0) - (a.createdDate ?? 0))
                  .map((d) => {
                    const on = stages.data?.filter((s) => s.deploymentId === d.id).map((s) => s.stageName) ?? [];
                    return (
                      <tr>
                        <th scope="row" class="mono">
                          {d.id}
                        </th>
                        <td>{d.description ?? ''}</td>
                        <td class="nowrap">{formatEpochSeconds(d.createdDate)}</td>
                        <td>{on.join(', ') || '—'}</td>
                        <td>
                          {on.length === 0 ? (
                            <ConfirmButton small label="Delete" onConfirm={() => void action.run(() => apigateway.deleteDeployment(apiId, d.id)).then(reload)} />
                          ) : null}
                        </td>
                      </tr>
                    );
                  })}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </section>
  );
}
