export { KargoProjectsPage } from './KargoProjectsPage';
