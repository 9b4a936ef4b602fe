import { Alert, List } from '@mantine/core';
import { describeError } from '../api/errors';

// Every failed call is shown with this: never a silent failure.
export function ErrorAlert({ error }: { error: unknown }) {
  if (!error) return null;
  const view = describeError(error);
  return (
    <Alert color="red" title={view.title} role="alert" variant="light">
      {view.message}
      {view.details.length > 0 && (
        <List size="sm" mt="xs">
          {view.details.map((detail) => (
            <List.Item key={detail}>{detail}</List.Item>
          ))}
        </List>
      )}
    </Alert>
  );
}
