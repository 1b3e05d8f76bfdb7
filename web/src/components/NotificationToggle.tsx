import { useState } from 'react';

/** Offers browser notifications for finished jobs and fired alerts until the user answers. */
export function NotificationToggle() {
  const supported = typeof Notification !== 'undefined';
  const [permission, setPermission] = useState(supported ? Notification.permission : 'denied');
  if (!supported || permission !== 'default') return null;
  return (
    <button className="link-button" onClick={() => void Notification.requestPermission().then(setPermission)}>
      Notify me when jobs end or alert
    </button>
  );
}
