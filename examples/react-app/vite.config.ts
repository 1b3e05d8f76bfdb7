import { defineConfig, type Connect } from 'vite';
import react from '@vitejs/plugin-react';

// The app's own server stands in for whatever serves it in production: it answers /settings.json from the
// environment (TRAINWATCH_API_URL, TRAINWATCH_WS_URL, TRAINWATCH_TOKEN) and proxies nothing: the app calls
// Trainwatch's API and relay on their own origins, which must allow this one (the functions' CORS origins).
const settings: Connect.NextHandleFunction = (req, res, next) => {
  if (req.url !== '/settings.json') return next();
  res.setHeader('Content-Type', 'application/json');
  res.end(
    JSON.stringify({
      apiUrl: process.env.TRAINWATCH_API_URL ?? 'http://localhost:8081',
      wsUrl: process.env.TRAINWATCH_WS_URL ?? 'ws://localhost:8080',
      grafanaUrl: process.env.TRAINWATCH_GRAFANA_URL,
      token: process.env.TRAINWATCH_TOKEN ?? '',
    }),
  );
};

export default defineConfig({
  plugins: [react(), { name: 'settings', configureServer: (s) => void s.middlewares.use(settings), configurePreviewServer: (s) => void s.middlewares.use(settings) }],
});
