// The app's root layout. The package's stylesheet is global CSS, so it is imported here once.
import type { ReactNode } from 'react';
import '@trainwatch/react/style.css';

export const metadata = { title: 'Training job' };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
