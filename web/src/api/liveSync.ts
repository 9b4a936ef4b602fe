import { useQueryClient } from '@tanstack/react-query';
import { useLiveEvents, type LiveEvent } from './events';
import { applyInboxItem, inboxItemOfEvent, inboxKeys } from './inbox';
import { keys } from './queries';
import { addLiveStreamItem, streamItemOfEvent, streamKeys } from './streams';

// Keeps the caches current from the organization's live events, for as long as an
// organization screen is open: a column gets its new item on top, an inbox item takes its
// place in the lists shown (nothing fetched), the bell fetches again.
export function useLiveCacheSync(orgId: number | null) {
  const queryClient = useQueryClient();
  useLiveEvents(orgId, (event: LiveEvent) => {
    if (orgId === null) return;
    if (event.type === 'stream.item') {
      const item = streamItemOfEvent(event.data);
      if (item) addLiveStreamItem(queryClient, orgId, item);
    } else if (event.type.startsWith('stream.')) {
      // A stream created, changed or deleted: the lists of streams.
      void queryClient.invalidateQueries({ queryKey: streamKeys.teams(orgId) });
    } else if (event.type.startsWith('inbox.')) {
      const item = event.type === 'inbox.item' ? inboxItemOfEvent(event.data) : null;
      if (item) applyInboxItem(queryClient, orgId, item);
      else void queryClient.invalidateQueries({ queryKey: inboxKeys.all(orgId) });
    } else if (event.type.startsWith('notification.')) {
      void queryClient.invalidateQueries({ queryKey: keys.notifications });
    } else if (event.type === 'resumed') {
      // Back after a gap the server's history may not cover: fetch what is on screen again.
      void queryClient.invalidateQueries({ queryKey: streamKeys.all(orgId) });
      void queryClient.invalidateQueries({ queryKey: inboxKeys.all(orgId) });
      void queryClient.invalidateQueries({ queryKey: keys.notifications });
    } else if (event.type === 'ended') {
      // The session or the membership is gone: the session and the organization say which.
      void queryClient.invalidateQueries({ queryKey: ['session'] });
      void queryClient.invalidateQueries({ queryKey: keys.org(orgId), exact: true });
    }
  });
}
