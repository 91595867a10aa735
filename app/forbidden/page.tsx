import Link from 'next/link';

export default async function Forbidden({ searchParams }: { searchParams: Promise<{ need?: string }> }) {
  const { need } = await searchParams;
  return (
    <main className="flex min-h-screen items-center justify-center p-6">
      <div className="max-w-md rounded-xl border border-slate-200 bg-white p-8 text-center shadow-sm">
        <h1 className="text-lg font-semibold">Not allowed</h1>
        <p className="mt-2 text-sm text-slate-600">
          Your role does not include {need ? <code className="rounded bg-slate-100 px-1">{need}</code> : 'this page'}. Ask an
          admin if you need it.
        </p>
        <Link href="/overview" className="mt-4 inline-block text-sm font-medium text-indigo-600 hover:underline">
          Back to the overview
        </Link>
      </div>
    </main>
  );
}
