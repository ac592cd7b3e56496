import { within } from '@testing-library/react';

/** The text of each body cell of a table, row by row. */
export function rowsOf(table: HTMLElement): string[][] {
  return within(table)
    .getAllByRole('row')
    .slice(1)
    .map(row =>
      within(row)
        .queryAllByRole('cell')
        .map(cell => cell.textContent?.trim() ?? ''),
    );
}
