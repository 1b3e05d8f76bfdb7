import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { adoptTokenFromAddress } from './lib/auth';
import { loadConfig } from './lib/config';
import './styles.css';

const root = createRoot(document.getElementById('root')!);
adoptTokenFromAddress();

loadConfig()
  .catch((error: unknown) => {
    // Without /config.json the API is taken to be on this origin.
    console.warn('Trainwatch: /config.json could not be read, using this origin for the API', error);
  })
  .finally(() =>
    root.render(
      <StrictMode>
        <App />
      </StrictMode>,
    ),
  );
