import { Button, Group, Modal, Paper, Stack, Table, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError, api } from '../api/client';
import { fieldError } from '../api/errors';
import { fillTemplate, inboxKeys, templateBodyMax, templatePlaceholders, useTemplates, type Template } from '../api/inbox';
import { graphemeCount } from '../api/posts';
import { ErrorAlert } from './ErrorAlert';

// What the preview fills the placeholders with.
const sample = { author_handle: 'alice.bsky.social', profile_handle: 'acme.bsky.social', profile_display_name: 'Acme', member_name: 'You' };

function TemplateEditor({ orgId, teamId, template, onClose }: { orgId: number; teamId: number; template: Template | null; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState(template?.name ?? '');
  const [body, setBody] = useState(template?.body ?? '');
  const count = graphemeCount(body);
  const tooLong = count > templateBodyMax;
  const save = useMutation({
    mutationFn: () =>
      template
        ? api<Template>(`/orgs/${orgId}/templates/${template.id}`, { method: 'PATCH', json: { name: name.trim(), body } })
        : api<Template>(`/orgs/${orgId}/teams/${teamId}/templates`, { method: 'POST', json: { name: name.trim(), body } }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: inboxKeys.templates(orgId, teamId) });
      onClose();
    },
  });
  return (
    <Modal opened onClose={onClose} title={template ? `Edit template ${template.name}` : 'New template'} size="lg">
      <Stack component="form" onSubmit={(event) => {
        event.preventDefault();
        save.mutate();
      }}>
        <TextInput label="Name" required value={name} onChange={(event) => setName(event.currentTarget.value)} error={fieldError(save.error, 'name')} />
        <div>
          <Textarea label="Text" required autosize minRows={4} value={body} onChange={(event) => setBody(event.currentTarget.value)}
            error={fieldError(save.error, 'body') ?? (tooLong ? `At most ${templateBodyMax.toLocaleString()} characters.` : undefined)}
            description={`Placeholders: ${templatePlaceholders.map((p) => `${p.name} (${p.meaning})`).join(', ')}`} />
          <Text size="xs" c={tooLong ? 'red' : 'dimmed'} ta="right" aria-label="Template characters used">
            {count} / {templateBodyMax.toLocaleString()}
          </Text>
        </div>
        {body && (
          <Paper withBorder p="xs" aria-label="Preview">
            <Text size="xs" c="dimmed">Preview</Text>
            <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>{fillTemplate(body, sample)}</Text>
          </Paper>
        )}
        <ErrorAlert error={save.error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>Cancel</Button>
          <Button type="submit" loading={save.isPending} disabled={!name.trim() || !body.trim() || tooLong}>Save template</Button>
        </Group>
      </Stack>
    </Modal>
  );
}

// A team's saved replies: its admins (and the organization's owners and admins) write them;
// its publishers use them from the inbox.
export function TemplatesSection({ orgId, teamId, manage }: { orgId: number; teamId: number; manage: boolean }) {
  const queryClient = useQueryClient();
  const templates = useTemplates(orgId, teamId);
  const [editing, setEditing] = useState<Template | 'new' | null>(null);
  const [deleting, setDeleting] = useState<number | null>(null);
  const remove = useMutation({
    mutationFn: (id: number) => api(`/orgs/${orgId}/templates/${id}`, { method: 'DELETE' }),
    onSuccess: () => {
      setDeleting(null);
      void queryClient.invalidateQueries({ queryKey: inboxKeys.templates(orgId, teamId) });
    },
  });
  const denied = templates.error instanceof ApiError && templates.error.status === 403;
  return (
    <Stack gap="xs">
      <Group justify="space-between">
        <Title order={3} size="h4">Reply templates</Title>
        {manage && <Button size="xs" variant="light" onClick={() => setEditing('new')}>New template</Button>}
      </Group>
      {denied ? (
        <Text size="sm" c="dimmed" role="note">
          Templates are for the team's publishers: your level on its profiles does not let you publish.
        </Text>
      ) : (
        <ErrorAlert error={templates.error} />
      )}
      <ErrorAlert error={remove.error} />
      {templates.data?.length === 0 && <Text size="sm" c="dimmed">No template yet.</Text>}
      {templates.data && templates.data.length > 0 && (
        <Table striped aria-label="Reply templates">
          <Table.Tbody>
            {templates.data.map((template) => (
              <Table.Tr key={template.id}>
                <Table.Td fw={500}>{template.name}</Table.Td>
                <Table.Td><Text size="sm" lineClamp={2}>{template.body}</Text></Table.Td>
                <Table.Td>
                  {manage && (
                    <Group gap={4} wrap="nowrap">
                      <Button size="xs" variant="subtle" aria-label={`Edit template ${template.name}`} onClick={() => setEditing(template)}>Edit</Button>
                      {deleting === template.id ? (
                        <Button size="xs" color="red" loading={remove.isPending} onClick={() => remove.mutate(template.id)}>
                          Confirm delete
                        </Button>
                      ) : (
                        <Button size="xs" variant="subtle" color="red" aria-label={`Delete template ${template.name}`} onClick={() => setDeleting(template.id)}>
                          Delete
                        </Button>
                      )}
                    </Group>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {editing !== null && (
        <TemplateEditor orgId={orgId} teamId={teamId} template={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />
      )}
    </Stack>
  );
}
