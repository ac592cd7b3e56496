export { DetailsDrawer, type DrawerTab } from './DetailsDrawer';
export { Loaded, loadedTab } from './Loaded';
export { useDrawerData } from './useDrawerData';
