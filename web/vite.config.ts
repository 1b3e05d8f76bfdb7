/// <reference types="vitest/config" />
import { defineConfig, type Connect, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

// In production the relay serves dist/ and /config.json. Under `vite` and `vite preview` (development and the
// e2e/bench runs before the relay serves the UI) this server stands in for the relay: it proxies the REST API
// and the WebSocket, and answers /config.json with apiBaseUrl "" (same origin), so no CORS is needed, and with
// TRAINWATCH_UI_TOKEN as the development API token when it is set (TRAINWATCH_UI_TOKEN=$(../trainwatch token)).
const apiTarget = process.env.TRAINWATCH_API_URL ?? 'http://localhost:8081';
const relayTarget = process.env.TRAINWATCH_RELAY_URL ?? 'http://localhost:8080';
const proxy = {
  '/api/v1/ws': { target: relayTarget, ws: true },
  '/api/v1/training': { target: apiTarget, changeOrigin: true },
};

const devConfig: Connect.NextHandleFunction = (req, res, next) => {
  if (req.url !== '/config.json') return next();
  res.setHeader('Content-Type', 'application/json');
  res.end(
    JSON.stringify({
      apiBaseUrl: '',
      grafanaUrl: process.env.TRAINWATCH_GRAFANA_URL ?? null,
      ...(process.env.TRAINWATCH_UI_TOKEN ? { apiToken: process.env.TRAINWATCH_UI_TOKEN } : {}),
    }),
  );
};

function sameOriginConfig(): Plugin {
  return {
    name: 'trainwatch-dev-config',
    configureServer: (server) => void server.middlewares.use(devConfig),
    configurePreviewServer: (server) => void server.middlewares.use(devConfig),
  };
}

export default defineConfig({
  plugins: [react(), sameOriginConfig()],
  server: { proxy },
  preview: { proxy },
  build: { outDir: 'dist', sourcemap: true },
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 20000,
  },
});
