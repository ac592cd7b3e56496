import {
  Link,
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import type { KargoManifest } from '@kargo-backstage/plugin-kargo-common';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { kargoApiRef } from '../../api';

const columns: TableColumn<KargoManifest>[] = [
  {
    title: 'Project',
    field: 'metadata.name',
    highlight: true,
    // Relative: the project's page is below this one.
    render: p => <Link to={p.metadata.name}>{p.metadata.name}</Link>,
  },
  {
    title: 'Created',
    field: 'metadata.creationTimestamp',
  },
];

/** The Kargo projects the user may see, each a link to its pipeline. */
export function ProjectsList() {
  const api = useApi(kargoApiRef);
  const { value, loading, error } = useAsync(() => api.listProjects(), [api]);
  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  const projects = value?.items ?? [];
  return (
    <Table<KargoManifest>
      title="Kargo projects"
      options={{ paging: projects.length > 20, pageSize: 20, search: true }}
      columns={columns}
      data={projects}
      emptyContent={
        <Typography style={{ padding: 16 }}>
          There are no Kargo projects you may see.
        </Typography>
      }
    />
  );
}
