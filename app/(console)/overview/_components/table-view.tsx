import { Table, Td, Th, Tr } from '@/components/ui/table';

/**
 * A chart's data as a table, cells already formatted (`formatTable` in ./widget): what a ChartPanel shows in its
 * "Table" view. No server-only imports, so the panel (a client component) renders it when the view is switched and
 * each card sends its rows as strings rather than as a rendered table nobody may open (issue 18).
 */
export type FormattedTable = { caption: string; columns: string[]; rows: string[][] };

export function TableView({ table }: { table: FormattedTable }) {
  const { caption, columns, rows } = table;
  return (
    <Table>
      <caption className="sr-only">{caption}</caption>
      <thead>
        <tr>
          {columns.map((c, j) => (
            <Th key={c} className={j === 0 ? '' : 'text-right'}>
              {c.replace(/_/g, ' ')}
            </Th>
          ))}
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {rows.map((r, i) => (
          <Tr key={i}>
            {r.map((v, j) => (
              <Td key={j} className={j === 0 ? 'whitespace-nowrap' : 'text-right tabular-nums'}>
                {v}
              </Td>
            ))}
          </Tr>
        ))}
      </tbody>
    </Table>
  );
}
