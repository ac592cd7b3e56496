import {
  MissingAnnotationEmptyState,
  Progress,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { KARGO_PROJECT_ANNOTATION } from '@kargo-backstage/plugin-kargo-common';
import Grid from '@material-ui/core/Grid';
import { useMemo } from 'react';
import { kargoApiRef } from '../../api';
import { isKargoAvailable } from '../../conditions';
import { ManifestSource } from '../manifest/ManifestSource';
import { ManifestSyncButton } from '../manifest/ManifestSyncButton';
import { ProjectPipeline, useReloadable } from '../pipeline';

/** The Promotions tab: each Kargo project the entity names, with its pipeline. */
export function EntityKargoContent() {
  const { entity } = useEntity();
  if (!isKargoAvailable(entity)) {
    return (
      <MissingAnnotationEmptyState annotation={KARGO_PROJECT_ANNOTATION} />
    );
  }
  return <EntityPipelines />;
}

function EntityPipelines() {
  const { entity } = useEntity();
  const kargoApi = useApi(kargoApiRef);
  const entityName = useMemo(
    () => ({
      kind: entity.kind,
      namespace: entity.metadata.namespace,
      name: entity.metadata.name,
    }),
    [entity],
  );
  const { value, loading, error, reload, reloadKey } = useReloadable(
    () => kargoApi.getEntityPipeline(entityName),
    [kargoApi, entityName],
  );

  if (!value && loading) {
    return <Progress />;
  }
  if (error) {
    return <ResponseErrorPanel error={error} />;
  }
  return (
    <Grid container spacing={3}>
      {value!.manifestSource && (
        <Grid item xs={12}>
          <ManifestSource
            status={value!.manifestSource}
            actions={
              <ManifestSyncButton entity={entityName} onSynced={reload} />
            }
          />
        </Grid>
      )}
      {value!.projects.map(project => (
        <Grid item xs={12} key={project.name}>
          {project.error ? (
            <WarningPanel
              severity="error"
              title={`Kargo project "${project.name}" cannot be shown`}
              message={project.error.message}
            />
          ) : (
            <ProjectPipeline
              project={project}
              reload={reload}
              reloadKey={reloadKey}
            />
          )}
        </Grid>
      ))}
    </Grid>
  );
}
