import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The @trainwatch/react package (src/package.ts): one ES module and its stylesheet in package/dist. React is the
// app's own (a peer dependency), never bundled; uPlot and anser are dependencies the app's bundler resolves.
export default defineConfig({
  plugins: [react()],
  publicDir: false, // public/config.json is the product's, not the package's
  build: {
    outDir: 'package/dist',
    emptyOutDir: true,
    sourcemap: true,
    lib: {
      entry: { index: 'src/package.ts', styles: 'src/package-styles.ts' },
      formats: ['es'],
      fileName: (_format, name) => `${name}.js`,
      cssFileName: 'style',
    },
    rollupOptions: { external: ['react', 'react-dom', 'react/jsx-runtime', 'uplot', 'anser'] },
  },
});
