import { ConnectionIndicator } from './components/ConnectionIndicator';
import { Link } from './components/Link';
import { NotificationToggle } from './components/NotificationToggle';
import { Toasts } from './components/Toasts';
import { useStore } from './hooks/useStore';
import { currentLocation, matchRoute } from './lib/router';
import { JobPage } from './pages/JobPage';
import { JobsPage } from './pages/JobsPage';
import { SessionPage } from './pages/SessionPage';

function Page() {
  const { path, search } = useStore(currentLocation);
  const route = matchRoute(path);
  switch (route.page) {
    case 'jobs':
      return <JobsPage />;
    case 'job':
      return <JobPage key={route.jobId} jobId={route.jobId} />;
    case 'session':
      return (
        <SessionPage
          key={`${route.sessionId}/${search.get('project') ?? ''}`}
          sessionId={route.sessionId}
          project={search.get('project') ?? undefined}
        />
      );
    default:
      return (
        <p>
          No page at {path}. <Link to="/">All jobs</Link>
        </p>
      );
  }
}

export function App() {
  return (
    <>
      <header className="topbar">
        <Link to="/" className="brand">
          Trainwatch
        </Link>
        <nav>
          <Link to="/">Jobs</Link>
        </nav>
        <span className="spacer" />
        <NotificationToggle />
        <ConnectionIndicator />
      </header>
      <main>
        <Page />
      </main>
      <Toasts />
    </>
  );
}
