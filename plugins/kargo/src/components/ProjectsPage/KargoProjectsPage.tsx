import { Content } from '@backstage/core-components';
import { Route, Routes } from 'react-router-dom';
import { ProjectPipelinePage } from './ProjectPipelinePage';
import { ProjectsList } from './ProjectsList';

/**
 * The Kargo page: the projects the user may see, and below it each
 * project's pipeline (`/kargo/<project>`).
 */
export function KargoProjectsPage() {
  return (
    <Content>
      <Routes>
        <Route path="/" element={<ProjectsList />} />
        <Route path="/:project" element={<ProjectPipelinePage />} />
      </Routes>
    </Content>
  );
}
