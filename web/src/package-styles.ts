// The package's stylesheet as an entry of its own (vite.lib.config.ts): style.css, which apps import themselves.
import './components.css';
