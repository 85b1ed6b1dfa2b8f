/** Picks the page for the current path. */
import { Layout } from './components/Layout.js';
import { ApiPage } from './pages/ApiPage.js';
import { ApisPage } from './pages/ApisPage.js';
import { DataViewerPage } from './pages/DataViewerPage.js';
import { NotFound } from './pages/NotFound.js';
import { RolePage } from './pages/RolePage.js';
import { RolesPage } from './pages/RolesPage.js';
import { StagePage } from './pages/stage/StagePage.js';
import { StagesPage } from './pages/StagesPage.js';
import { StreamPage } from './pages/StreamPage.js';
import { StreamsPage } from './pages/StreamsPage.js';
import { useRoute } from './router.js';

export function App() {
  const { segments: s, query } = useRoute();
  const [section = 'apis'] = s;
  let page;
  if (s.length === 0 || (s[0] === 'apis' && s.length === 1)) page = <ApisPage />;
  else if (s[0] === 'apis' && s[2] === 'stages' && s.length === 4) page = <StagePage apiId={s[1]!} stageName={s[3]!} tab={query.get('tab') ?? undefined} />;
  else if (s[0] === 'apis' && s[2] === 'stages') page = <StagesPage apiId={s[1]!} />;
  else if (s[0] === 'apis' && (s.length === 2 || s[2] === 'resources'))
    page = <ApiPage apiId={s[1]!} resourceId={s[3]} verb={s[4]} view={s[5] === 'test' ? 'test' : 'execution'} />;
  else if (s[0] === 'streams' && s.length === 1) page = <StreamsPage />;
  else if (s[0] === 'streams' && s.length === 2) page = <StreamPage name={s[1]!} tab={query.get('tab') ?? undefined} />;
  else if (s[0] === 'streams' && s[2] === 'data') page = <DataViewerPage name={s[1]!} shardId={query.get('shard') ?? undefined} />;
  else if (s[0] === 'iam' && s[1] === 'roles' && s.length === 2) page = <RolesPage />;
  else if (s[0] === 'iam' && s[1] === 'roles' && s.length === 3) page = <RolePage name={s[2]!} />;
  else page = <NotFound />;
  return <Layout section={section}>{page}</Layout>;
}
