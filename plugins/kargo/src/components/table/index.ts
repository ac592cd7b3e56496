export { ACTIONS_COLUMN, ListTable, type ListTableProps } from './ListTable';
