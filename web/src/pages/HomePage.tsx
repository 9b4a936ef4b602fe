import { Loader, Stack, Text, Title } from '@mantine/core';
import { Navigate } from 'react-router-dom';
import { useOrgs } from '../api/queries';
import { ErrorAlert } from '../components/ErrorAlert';
import { lastOrgKey } from '../components/Layout';
import { CreateOrgForm } from './NewOrgPage';
import { InvitationList } from './InvitationsPage';

// Where a signed-in user lands: their last organization, else the first, else a welcome
// with their pending invitations and the form to create an organization.
export function HomePage() {
  const orgs = useOrgs();
  if (orgs.isPending) return <Loader aria-label="Loading" />;
  if (orgs.error) return <ErrorAlert error={orgs.error} />;
  const list = orgs.data;
  if (list.length > 0) {
    const last = Number(localStorage.getItem(lastOrgKey));
    const org = list.find((candidate) => candidate.id === last) ?? list[0];
    return <Navigate to={`/orgs/${org.id}/members`} replace />;
  }
  return (
    <Stack maw={640}>
      <Title order={1}>Welcome to Roost</Title>
      <Text>You are not in any organization yet. Accept an invitation, or create an organization.</Text>
      <InvitationList />
      <CreateOrgForm />
    </Stack>
  );
}
