import { useStore } from '../hooks/useStore';
import { dismissToast, toasts } from '../lib/toasts';
import { Link } from './Link';

export function Toasts() {
  const list = useStore(toasts);
  return (
    <div className="toasts" aria-live="polite">
      {list.map((toast) => (
        <div key={toast.id} className={`toast toast-${toast.status}`} data-testid="toast">
          <Link to={toast.to}>{toast.text}</Link>
          <button className="link-button" onClick={() => dismissToast(toast.id)} aria-label="Dismiss">
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
