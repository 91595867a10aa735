import { clsx } from 'clsx';

/** `tbl`, `th`, `td`, `tr`: short classes from app/globals.css (a row's utilities spelled out cost CPU per view). */

export function Table({ children, className }: { children: React.ReactNode; className?: string }) {
  return (
    <div className={clsx('overflow-x-auto', className)}>
      <table className="tbl">{children}</table>
    </div>
  );
}

export function Th({ children, className }: { children?: React.ReactNode; className?: string }) {
  return (
    <th scope="col" className={clsx('th', className)}>
      {children}
    </th>
  );
}

export function Td({ children, className, colSpan }: { children?: React.ReactNode; className?: string; colSpan?: number }) {
  // No `colSpan` prop unless given: an undefined prop is still sent, as `"colSpan":"$undefined"`, in every cell's Flight.
  return colSpan === undefined ? <td className={clsx('td', className)}>{children}</td> : (
    <td colSpan={colSpan} className={clsx('td', className)}>
      {children}
    </td>
  );
}

export function Tr({ children, className }: { children: React.ReactNode; className?: string }) {
  return <tr className={clsx('tr', className)}>{children}</tr>;
}

/** A header row of plain column labels; `actions` adds a last, visually hidden "Actions" column for row buttons. */
export function TableHead({ columns, actions }: { columns: string[]; actions?: boolean }) {
  return (
    <thead>
      <tr>
        {columns.map((c) => (
          <Th key={c}>{c}</Th>
        ))}
        {actions && (
          <Th>
            <span className="sr-only">Actions</span>
          </Th>
        )}
      </tr>
    </thead>
  );
}
