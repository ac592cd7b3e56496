import { Link, Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import Box from '@material-ui/core/Box';
import { useParams } from 'react-router-dom';
import { kargoApiRef } from '../../api';
import { loadProjectPipeline } from '../../projects/loadProjectPipeline';
import { ProjectPipeline, useReloadable } from '../pipeline';

/** One project's pipeline, the same view as an entity's Promotions tab. */
export function ProjectPipelinePage() {
  const { project = '' } = useParams();
  const api = useApi(kargoApiRef);
  const { value, loading, error, reload, reloadKey } = useReloadable(
    () => loadProjectPipeline(api, project),
    [api, project],
  );
  return (
    <>
      <Box mb={2}>
        <Link to="..">All projects</Link>
      </Box>
      {error && <ResponseErrorPanel error={error} />}
      {!error && !value && loading && <Progress />}
      {!error && value && (
        <ProjectPipeline
          project={value}
          reload={reload}
          reloadKey={reloadKey}
        />
      )}
    </>
  );
}
