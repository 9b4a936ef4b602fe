import { useState } from 'react';
import { Alert, Button, Code, FileInput, Group, Paper, Progress, Stack, Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import { canManageOrg, keys } from '../api/queries';
import type { MemberImportReport, Organization } from '../api/types';
import { useSubmit } from '../api/useSubmit';
import { ErrorAlert } from '../components/ErrorAlert';
import { ImportReportTable } from '../components/ImportReportTable';
import { OnlyAdmins, OrgPage } from '../components/OrgPage';

// Largest CSV the server takes (docs/api/openapi.yaml: 512 KiB); checked here to say so
// before uploading.
const csvBytesMax = 512 * 1024;

async function readCsv(file: File): Promise<string> {
  if (file.size > csvBytesMax) throw new Error(`The file is ${Math.ceil(file.size / 1024)} KiB; the limit is 512 KiB.`);
  return file.text();
}

function importCsv(orgId: number, csv: string, dryRun: boolean) {
  return api<MemberImportReport>(`/orgs/${orgId}/member-imports?dry_run=${dryRun}`, {
    method: 'POST',
    body: csv,
    contentType: 'text/csv',
  });
}

function ImportBody({ org }: { org: Organization }) {
  const queryClient = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [csv, setCsv] = useState<string | null>(null);
  const [report, setReport] = useState<MemberImportReport | null>(null);
  // A chosen file is checked (a dry run); the checked text is applied. Either way a new run
  // clears the last error, choosing no file included.
  const { busy, error, run } = useSubmit(async (dryRun: boolean, source: File | string | null) => {
    if (source === null) return;
    const text = typeof source === 'string' ? source : await readCsv(source);
    if (typeof source !== 'string') setCsv(text);
    setReport(await importCsv(org.id, text, dryRun));
    if (!dryRun) {
      void queryClient.invalidateQueries({ queryKey: keys.orgInvitations(org.id) });
      void queryClient.invalidateQueries({ queryKey: keys.teams(org.id) });
    }
  });

  function choose(chosen: File | null) {
    setFile(chosen);
    setReport(null);
    setCsv(null);
    void run(true, chosen);
  }

  if (!canManageOrg(org)) return <OnlyAdmins action="import members" />;
  const checked = report?.dry_run === true;
  // The report is cleared when a file is chosen, so a run beside a checked one is the apply.
  const applying = busy && checked;
  const ready = checked && report.rows_with_errors === 0 && report.seat_limit_error === null;
  return (
    <Stack>
      <Paper p="md" withBorder>
        <Stack gap="xs">
          <Text size="sm">
            A CSV file with a header line: <Code>email</Code> (required), <Code>full_name</Code>,{' '}
            <Code>job_title</Code>, <Code>organization_role</Code> (member or admin) and <Code>teams</Code> (names
            separated by <Code>;</Code>, created if new). At most 500 rows. Nothing is sent until you apply: the
            file is checked first.
          </Text>
          <FileInput label="CSV file" placeholder="Choose a .csv file" accept=".csv,text/csv" value={file}
            onChange={choose} clearable />
        </Stack>
      </Paper>
      {busy && <Progress value={100} animated aria-label={applying ? 'Importing' : 'Checking'} />}
      <ErrorAlert error={error} />
      {report && (
        <Stack gap="xs">
          <Group>
            <Text fw={600}>
              {report.applied
                ? `Imported: ${report.rows_ok} invitations sent.`
                : `Dry run: ${report.rows_ok} of ${report.rows_total} rows ready, ${report.rows_with_errors} with errors.`}
            </Text>
            <Text size="sm" c="dimmed">
              Seats: {report.seats.used} / {report.seats.limit}
            </Text>
          </Group>
          <Progress.Root size="lg" aria-label="Rows ready">
            <Progress.Section value={(100 * report.rows_ok) / Math.max(report.rows_total, 1)} color="green" />
            <Progress.Section value={(100 * report.rows_with_errors) / Math.max(report.rows_total, 1)} color="red" />
          </Progress.Root>
          {report.seat_limit_error && (
            <Alert color="red" title="Not enough seats">
              {report.seat_limit_error}
            </Alert>
          )}
          {report.teams_created.length > 0 && (
            <Text size="sm">
              {report.applied ? 'Teams created' : 'Teams that will be created'}: {report.teams_created.join(', ')}
            </Text>
          )}
          <ImportReportTable report={report} />
          {checked && (
            <Group>
              <Button disabled={!ready} loading={applying} onClick={() => csv && run(false, csv)}>
                Apply: invite {report.rows_ok} {report.rows_ok === 1 ? 'person' : 'people'}
              </Button>
              {!ready && <Text size="sm">Fix the rows marked in red, then choose the file again.</Text>}
            </Group>
          )}
        </Stack>
      )}
    </Stack>
  );
}

export function ImportPage() {
  return <OrgPage title="Import members">{(org) => <ImportBody org={org} />}</OrgPage>;
}
