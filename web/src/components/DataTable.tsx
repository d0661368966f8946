// Every table in the dashboard: a caption for screen readers, and the same loading, empty and
// error states everywhere so an operator never mistakes "still loading" for "nothing happened".
import type { ReactNode } from "react";

export interface Column<T> {
  key: string;
  header: ReactNode;
  render: (row: T) => ReactNode;
  className?: string;
}

export interface DataTableProps<T> {
  caption: string;
  columns: Column<T>[];
  rows: T[] | null;
  rowKey: (row: T) => string | number;
  loading?: boolean;
  error?: Error | null;
  empty?: ReactNode;
  onRetry?: () => void;
  onRowActivate?: (row: T) => void;
}

export function DataTable<T>(props: DataTableProps<T>) {
  const { caption, columns, rows, rowKey, loading, error, empty, onRetry, onRowActivate } = props;
  let status: ReactNode = null;
  if (error) {
    status = (
      <div className="table-state error" role="alert">
        Could not load {caption.toLowerCase()}: {error.message}
        {onRetry && (
          <button type="button" className="link" onClick={onRetry}>
            Retry
          </button>
        )}
      </div>
    );
  } else if (!rows && loading) {
    status = (
      <div className="table-state" role="status">
        Loading…
      </div>
    );
  } else if (rows && rows.length === 0) {
    status = <div className="table-state">{empty ?? "Nothing here yet."}</div>;
  }
  return (
    <div className="table-wrap" aria-busy={loading ? true : undefined}>
      <table>
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.key} scope="col" className={c.className}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {(rows ?? []).map((row) => (
            <tr
              key={rowKey(row)}
              className={onRowActivate ? "clickable" : undefined}
              onClick={
                onRowActivate
                  ? (event) => {
                      // Links and buttons inside the row do their own thing.
                      if ((event.target as HTMLElement).closest("a, button, input, select, textarea")) return;
                      onRowActivate(row);
                    }
                  : undefined
              }
            >
              {columns.map((c) => (
                <td key={c.key} className={c.className}>
                  {c.render(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {status}
    </div>
  );
}
