import { ActionIcon, Badge, Button, Group, Indicator, Popover, Stack, Text, UnstyledButton } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import { keys, useNotifications } from '../api/queries';
import type { Notification } from '../api/types';
import { ErrorAlert } from './ErrorAlert';
import { BellIcon } from './Icons';

function describeNotification(notification: Notification): string {
  const payload = notification.payload as Record<string, string | number | undefined>;
  switch (notification.kind) {
    case 'invitation.received':
      return `${payload.invited_by ?? 'Someone'} invited you to ${payload.org_name ?? 'an organization'} as ${payload.role ?? 'member'}.`;
    case 'invitation.accepted':
      return `${payload.email ?? 'Someone'} accepted your invitation to ${payload.org_name ?? 'an organization'}.`;
    default:
      return notification.kind.replaceAll('.', ' ').replaceAll('_', ' ');
  }
}

export function NotificationBell() {
  const queryClient = useQueryClient();
  const notifications = useNotifications(true);
  const unread = notifications.data?.unread_count ?? 0;
  const refresh = () => queryClient.invalidateQueries({ queryKey: keys.notifications });
  const markOne = useMutation({
    mutationFn: (id: number) => api(`/me/notifications/${id}/read`, { method: 'POST' }),
    onSettled: refresh,
  });
  const markAll = useMutation({
    mutationFn: () => api('/me/notifications/read-all', { method: 'POST' }),
    onSettled: refresh,
  });
  const label = unread > 0 ? `Notifications, ${unread} unread` : 'Notifications';
  return (
    <Popover width={340} position="bottom-end" shadow="md" trapFocus>
      <Popover.Target>
        <Indicator label={unread} size={16} disabled={unread === 0} offset={4}>
          <ActionIcon variant="default" size="lg" aria-label={label} title={label}>
            <BellIcon />
          </ActionIcon>
        </Indicator>
      </Popover.Target>
      <Popover.Dropdown>
        <Group justify="space-between" mb="xs">
          <Text fw={600}>Notifications</Text>
          <Button size="xs" variant="subtle" disabled={unread === 0} onClick={() => markAll.mutate()}>
            Mark all read
          </Button>
        </Group>
        <ErrorAlert error={notifications.error ?? markAll.error ?? markOne.error} />
        <Stack gap={4} mah={360} style={{ overflowY: 'auto' }}>
          {notifications.data?.notifications.length === 0 && (
            <Text size="sm" c="dimmed">
              Nothing yet.
            </Text>
          )}
          {notifications.data?.notifications.map((notification) => (
            <UnstyledButton
              key={notification.id}
              p="xs"
              onClick={() => notification.read_at === null && markOne.mutate(notification.id)}
              aria-label={`${describeNotification(notification)}${notification.read_at ? '' : ' (unread, mark read)'}`}
            >
              <Group gap="xs" wrap="nowrap" align="flex-start">
                {notification.read_at === null && (
                  <Badge size="xs" style={{ flexShrink: 0, overflow: "visible" }}>
                    new
                  </Badge>
                )}
                <div>
                  <Text size="sm">{describeNotification(notification)}</Text>
                  <Text size="xs" c="dimmed">
                    {new Date(notification.created_at).toLocaleString()}
                  </Text>
                </div>
              </Group>
            </UnstyledButton>
          ))}
        </Stack>
      </Popover.Dropdown>
    </Popover>
  );
}
