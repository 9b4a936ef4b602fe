import { useState } from 'react';
import { Button, Paper, Stack, TextInput, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router-dom';
import { api } from '../api/client';
import { fieldError } from '../api/errors';
import { keys } from '../api/queries';
import type { Organization } from '../api/types';
import { useSubmit } from '../api/useSubmit';
import { ErrorAlert } from '../components/ErrorAlert';
import { lastOrgKey } from '../components/Layout';

export function CreateOrgForm() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const { busy, error, submit } = useSubmit(async () => {
    const org = await api<Organization>('/orgs', { method: 'POST', json: { name } });
    await queryClient.invalidateQueries({ queryKey: keys.orgs });
    localStorage.setItem(lastOrgKey, String(org.id));
    navigate(`/orgs/${org.id}/members`);
  });
  return (
    <Paper p="lg" withBorder>
      <form onSubmit={submit} aria-label="Create an organization">
        <Stack>
          <Title order={2} size="h3">
            Create an organization
          </Title>
          <TextInput label="Organization name" required maxLength={100} value={name}
            error={fieldError(error, 'name')} onChange={(event) => setName(event.currentTarget.value)} />
          <ErrorAlert error={error} />
          <Button type="submit" loading={busy} w="fit-content">
            Create organization
          </Button>
        </Stack>
      </form>
    </Paper>
  );
}

export function NewOrgPage() {
  return (
    <Stack maw={640}>
      <CreateOrgForm />
    </Stack>
  );
}
