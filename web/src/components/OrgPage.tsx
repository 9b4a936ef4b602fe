import { Badge, Group, Loader, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { useParams } from 'react-router-dom';
import { useOrg } from '../api/queries';
import type { Organization } from '../api/types';
import { ErrorAlert } from './ErrorAlert';

function useOrgId(): number {
  return Number(useParams().orgId);
}

// The frame of every organization screen: loads the organization (a 404 for a
// non-member is shown as such) and gives the screen the caller's role.
// `wide` screens (the columns dashboard) use the whole window.
export function OrgPage({ title, children, wide = false }: { title: string; children: (org: Organization) => ReactNode; wide?: boolean }) {
  const orgId = useOrgId();
  const org = useOrg(orgId);
  if (org.isPending) return <Loader aria-label="Loading" />;
  if (org.error) return <ErrorAlert error={org.error} />;
  return (
    <Stack maw={wide ? undefined : 1100}>
      <Group justify="space-between" align="flex-end">
        <div>
          <Text size="sm" c="dimmed">
            {org.data.name}
          </Text>
          <Title order={1}>{title}</Title>
        </div>
        <Badge variant="light" size="lg">
          Your role: {org.data.role}
        </Badge>
      </Group>
      {children(org.data)}
    </Stack>
  );
}

// Shown where an action is hidden from the caller's role: say why, and who can.
export function OnlyAdmins({ action }: { action: string }) {
  return (
    <Text size="sm" c="dimmed" role="note">
      Only owners and admins can {action}.
    </Text>
  );
}
