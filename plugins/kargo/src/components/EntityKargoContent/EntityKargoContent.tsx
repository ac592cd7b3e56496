import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import type { ProjectPipeline } from '@kargo-backstage/plugin-kargo-common';
import Grid from '@material-ui/core/Grid';
import useAsync from 'react-use/esm/useAsync';
import { kargoApiRef } from '../../api';
import { StagesTable } from './StagesTable';
import { WarehousesTable } from './WarehousesTable';

/** The Promotions tab: each Kargo project the entity names, with its pipeline. */
export function EntityKargoContent() {
  const { entity } = useEntity();
  const kargoApi = useApi(kargoApiRef);
  const { value, loading, error } = useAsync(
    () =>
      kargoApi.getEntityPipeline({
        kind: entity.kind,
        namespace: entity.metadata.namespace,
        name: entity.metadata.name,
      }),
    [kargoApi, entity],
  );

  if (loading) {
    return <Progress />;
  }
  if (error) {
    return <ResponseErrorPanel error={error} />;
  }
  return (
    <Grid container spacing={3}>
      {value!.projects.map(project => (
        <Grid item xs={12} key={project.name}>
          <ProjectCard project={project} />
        </Grid>
      ))}
    </Grid>
  );
}

function ProjectCard({ project }: { project: ProjectPipeline }) {
  if (project.error) {
    return (
      <WarningPanel
        severity="error"
        title={`Kargo project "${project.name}" cannot be shown`}
        message={project.error.message}
      />
    );
  }
  return (
    <InfoCard title={`Kargo project ${project.name}`}>
      <StagesTable stages={project.stages} freight={project.freight} />
      <WarehousesTable
        warehouses={project.warehouses}
        freight={project.freight}
      />
    </InfoCard>
  );
}
