import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { ReactNode, useState } from 'react';

/** The header of a column of buttons: read out, not shown. */
export const ACTIONS_COLUMN = { srOnly: 'Actions' } as const;

export type ListTableProps<T> = {
  /** The table's accessible name. */
  label: string;
  columns: Array<string | typeof ACTIONS_COLUMN>;
  items: T[];
  /** Each item's row: a `TableRow` with one cell per column. */
  renderRow(item: T): ReactNode;
  /**
   * Rows rendered before a "Show all" button, so a long list (600 Stages)
   * stays quick; all when absent.
   */
  firstRows?: number;
  /** Plural noun for the button: "Show all 600 Stages". */
  itemsNoun?: string;
  /** Said instead of an empty table, if given: "No Promotions yet." */
  emptyText?: string;
};

/** A small table in Backstage's look, with its rows capped. */
export function ListTable<T>(props: ListTableProps<T>) {
  const { firstRows = Infinity, items } = props;
  const [showAll, setShowAll] = useState(false);
  const shown = showAll ? items : items.slice(0, firstRows);
  if (!items.length && props.emptyText) {
    return <Typography color="textSecondary">{props.emptyText}</Typography>;
  }
  return (
    <>
      {/* Wide tables scroll sideways rather than break words apart. */}
      <Box overflow="auto">
        <Table size="small" aria-label={props.label}>
          <TableHead>
            <TableRow>
              {props.columns.map(column =>
                typeof column === 'string' ? (
                  <TableCell key={column} style={{ whiteSpace: 'nowrap' }}>
                    {column}
                  </TableCell>
                ) : (
                  <TableCell key={column.srOnly}>
                    <Typography variant="srOnly">{column.srOnly}</Typography>
                  </TableCell>
                ),
              )}
            </TableRow>
          </TableHead>
          <TableBody>{shown.map(props.renderRow)}</TableBody>
        </Table>
      </Box>
      {shown.length < items.length && (
        <Button onClick={() => setShowAll(true)}>
          Show all {items.length} {props.itemsNoun}
        </Button>
      )}
    </>
  );
}
