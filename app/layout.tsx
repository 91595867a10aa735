import type { Metadata } from 'next';
import { connection } from 'next/server';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Flightdeck', template: '%s · Flightdeck' },
  description: 'Operations console for fleets of long-running AI-agent sessions',
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Every page renders per request: the CSP nonce (proxy.ts) is new each time, and a prerendered page's
  // inline scripts would carry none and be blocked.
  await connection();
  return (
    <html lang="en">
      <body className="min-h-screen">{children}</body>
    </html>
  );
}
