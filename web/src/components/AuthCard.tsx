import type { FormEvent, ReactNode } from 'react';
import { Anchor, Paper, Stack, Text, Title } from '@mantine/core';
import { Link, useSearchParams } from 'react-router-dom';
import { safeNext } from '../api/next';

// The card of the signed-out pages (log in, create an account): a titled form, and a link
// to the other page that keeps the `next` address.
export function AuthCard({ label, title, onSubmit, other, children }: {
  label: string;
  title: string;
  onSubmit: (event: FormEvent) => void;
  other: { prompt: string; path: string; text: string };
  children: ReactNode;
}) {
  const [searchParams] = useSearchParams();
  const next = searchParams.has('next') ? `?next=${encodeURIComponent(safeNext(searchParams.get('next')))}` : '';
  return (
    <Paper maw={420} mx="auto" mt="xl" p="xl" withBorder>
      <form onSubmit={onSubmit} aria-label={label}>
        <Stack>
          <Title order={1} size="h2">
            {title}
          </Title>
          {children}
          <Text size="sm">
            {other.prompt}{' '}
            <Anchor component={Link} to={other.path + next}>
              {other.text}
            </Anchor>
          </Text>
        </Stack>
      </form>
    </Paper>
  );
}
