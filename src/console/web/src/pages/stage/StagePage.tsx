/** One stage (`apis/{id}/stages/{stage}`): its details, its logs and tracing settings, and its Monitoring tab. */
import { ErrorAlert, Loading } from '../../components/Alert.js';
import { CopyField } from '../../components/CopyField.js';
import { PageHeader } from '../../components/Layout.js';
import { Tabs } from '../../components/Tabs.js';
import { apigateway, invokeUrl, type Stage } from '../../clients/apigateway.js';
import { formatEpochSeconds } from '../../lib/format.js';
import { useAsync } from '../../lib/hooks.js';
import { STAGE_CHARTS } from '../../lib/metric-catalog.js';
import { href, navigate } from '../../router.js';
import { MonitoringPanel } from '../MonitoringPanel.js';
import { LogsPanel } from './LogsPanel.js';

const TABS = [
  { id: 'details', label: 'Stage details' },
  { id: 'logs', label: 'Logs and tracing' },
  { id: 'monitoring', label: 'Monitoring' },
] as const;

export function StagePage({ apiId, stageName, tab }: { apiId: string; stageName: string; tab: string | undefined }) {
  const api = useAsync(() => apigateway.getRestApi(apiId), [apiId]);
  const stage = useAsync(() => apigateway.getStage(apiId, stageName), [apiId, stageName]);
  const selected = TABS.some((t) => t.id === tab) ? tab! : 'details';
  const page = href('apis', apiId, 'stages', stageName);
  const select = (id: string): void => navigate(id === 'details' ? page : `${page}?tab=${id}`, true);
  const name = api.data?.name ?? apiId;
  // Read the stage again after an UpdateStage, so every tab shows what the API now has.
  const saved = (): void => stage.reload();

  return (
    <section>
      <PageHeader
        title={`Stage ${stageName}`}
        crumbs={[
          { label: 'APIs', href: href('apis') },
          { label: name, href: href('apis', apiId) },
          { label: 'Stages', href: href('apis', apiId, 'stages') },
        ]}
      />
      <ErrorAlert error={stage.error} title="Could not load the stage" />
      {stage.data === undefined ? (
        stage.loading ? <Loading what="the stage" /> : null
      ) : (
        <Tabs tabs={TABS} selected={selected} onSelect={select} label="Stage">
          {selected === 'logs' ? (
            <LogsPanel apiId={apiId} stage={stage.data} onSaved={saved} />
          ) : selected === 'monitoring' ? (
            api.data ? (
              <MonitoringPanel charts={STAGE_CHARTS} labels={{ ApiName: api.data.name, Stage: stageName }} scope={`stage ${stageName} of ${api.data.name}`} />
            ) : (
              <Loading what="the API" />
            )
          ) : (
            <StageDetails apiId={apiId} stage={stage.data} />
          )}
        </Tabs>
      )}
    </section>
  );
}

function StageDetails({ apiId, stage }: { apiId: string; stage: Stage }) {
  const variables = Object.entries(stage.variables ?? {});
  const log = stage.accessLogSettings;
  return (
    <div class="card">
      <dl class="facts">
        <div>
          <dt>Deployment</dt>
          <dd class="mono">{stage.deploymentId ?? '—'}</dd>
        </div>
        <div>
          <dt>Description</dt>
          <dd>{stage.description || '—'}</dd>
        </div>
        <div>
          <dt>Created</dt>
          <dd>{formatEpochSeconds(stage.createdDate)}</dd>
        </div>
        <div>
          <dt>Last updated</dt>
          <dd>{formatEpochSeconds(stage.lastUpdatedDate)}</dd>
        </div>
        <div>
          <dt>Stage variables</dt>
          <dd class="mono small">{variables.length ? variables.map(([k, v]) => `${k}=${v}`).join(', ') : 'none'}</dd>
        </div>
        <div>
          <dt>Access logging</dt>
          <dd class="small">{log?.destinationArn ? <span class="mono">{log.destinationArn}</span> : 'off'}</dd>
        </div>
        <div>
          <dt>X-Ray tracing</dt>
          <dd>{stage.tracingEnabled ? 'on' : 'off'}</dd>
        </div>
      </dl>
      <CopyField label={`Invoke URL of ${stage.stageName}`} value={invokeUrl(apiId, stage.stageName)} />
    </div>
  );
}
