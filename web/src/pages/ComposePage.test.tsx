import { afterEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router-dom';
import { ComposePage } from './ComposePage';
import { graphemeCount } from '../api/posts';
import { apiError, renderScreen } from '../test/render';
import { apiMock } from '../test/apiMock';

afterEach(() => vi.unstubAllGlobals());

const session = { status: 200, body: { user: { id: 5, email: 'li@example.com', display_name: 'Li', created_at: '' }, csrf_token: 't' } };
const org = {
  status: 200,
  body: { id: 7, name: 'Acme', role: 'member', plan: { profile_limit: 10, seat_limit: 25 }, usage: { seats_used: 2 }, logo_url: null, created_at: '' },
};

function profile(id: number, handle: string, level: string, requiresConfirmation = false) {
  return { id, network: 'bluesky', handle, display_name: handle, avatar_url: '', status: 'active', owner_user_id: null, requires_confirmation: requiresConfirmation, my_level: level };
}

function post(id: number, state: string, extra: Record<string, unknown> = {}) {
  return { id, state, text: 'hello', schedule: null, targets: [], duplicates: [], ...extra };
}

function renderCompose(profiles: unknown[], routes: Parameters<typeof apiMock>[0] = {}, path = '/orgs/7/compose') {
  const mock = apiMock({
    '/api/v1/sessions/current': session,
    '/api/v1/orgs/7': org,
    '/api/v1/orgs/7/profiles': { status: 200, body: { profiles } },
    ...routes,
  });
  vi.stubGlobal('fetch', mock.fetchMock);
  renderScreen(
    <Routes>
      <Route path="/orgs/:orgId/compose" element={<ComposePage />} />
    </Routes>,
    path,
  );
  return mock;
}

describe('graphemeCount', () => {
  it('counts what a reader sees as one character', () => {
    expect(graphemeCount('')).toBe(0);
    expect(graphemeCount('abc')).toBe(3);
    // A family emoji (5 code points joined) and an e with a combining accent.
    expect(graphemeCount('👩‍👩‍👧e\u0301')).toBe(2);
  });
});

describe('ComposePage', () => {
  it('counts graphemes live and refuses more than 300', async () => {
    renderCompose([profile(1, 'acme.bsky.social', 'publisher')]);
    const text = await screen.findByLabelText('Text');
    fireEvent.change(text, { target: { value: '👩‍👩‍👧 café' } });
    expect(screen.getByLabelText('Characters used')).toHaveTextContent('Bluesky: 6 / 300');
    fireEvent.change(text, { target: { value: 'x'.repeat(301) } });
    expect(screen.getByLabelText('Characters used')).toHaveTextContent('Bluesky: 301 / 300');
    expect(screen.getByText('Bluesky allows 300 characters.')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Publish now' })).toBeDisabled();
  });

  it('shows a viewer no composer and no publish action', async () => {
    renderCompose([profile(1, 'acme.bsky.social', 'viewer')]);
    expect(await screen.findByRole('note')).toHaveTextContent('composing needs the limited level');
    expect(screen.queryByRole('button', { name: /Publish|Submit|Schedule|Save draft/ })).toBeNull();
    expect(screen.queryByLabelText('Text')).toBeNull();
  });

  it('offers only the profiles the member may post to', async () => {
    renderCompose([profile(1, 'acme.bsky.social', 'viewer'), profile(2, 'press.bsky.social', 'limited')]);
    expect(await screen.findByRole('checkbox', { name: '@press.bsky.social' })).toBeInTheDocument();
    expect(screen.queryByRole('checkbox', { name: '@acme.bsky.social' })).toBeNull();
  });

  it('sends a limited member\'s post for approval after a dialog naming the account', async () => {
    const user = userEvent.setup();
    const mock = renderCompose([profile(2, 'press.bsky.social', 'limited')], {
      'POST /api/v1/orgs/7/posts': { status: 201, body: post(41, 'pending_approval') },
    });
    fireEvent.change(await screen.findByLabelText('Text'), { target: { value: 'Our spring launch' } });
    expect(screen.queryByRole('button', { name: 'Publish now' })).toBeNull();
    expect(screen.getByRole('note')).toHaveTextContent('a publisher of each must approve');
    await user.click(screen.getByRole('button', { name: 'Submit for approval' }));
    const dialog = await screen.findByRole('dialog');
    expect(dialog).toHaveTextContent('once approved it is published as @press.bsky.social');
    await user.click(within(dialog).getByRole('button', { name: 'Submit for approval' }));
    expect(await screen.findByRole('status')).toHaveTextContent('Post 41 is waiting for approval.');
    expect(mock.sent('POST', '/api/v1/orgs/7/posts')[0].body).toEqual({
      text: 'Our spring launch',
      targets: [{ profile_id: 2 }],
      when: { mode: 'now' },
      confirm_profiles: [],
    });
  });

  it('schedules a publisher\'s post at a wall time in a time zone, confirming the profiles that ask for it', async () => {
    const user = userEvent.setup();
    const mock = renderCompose(
      [profile(1, 'acme.bsky.social', 'publisher', true), profile(2, 'press.bsky.social', 'manager')],
      {
        'POST /api/v1/orgs/7/posts': {
          status: 201,
          body: post(42, 'scheduled', { schedule: { at: '2027-03-28T01:30:00Z', time_zone: 'Europe/Paris', local_time: '2027-03-28T02:30', wall_time: '2027-03-28T03:30:00+02:00', wall_time_rule: 'shifted_forward_over_gap' } }),
        },
      },
    );
    await user.click(await screen.findByRole('checkbox', { name: '@acme.bsky.social' }));
    await user.click(screen.getByRole('checkbox', { name: '@press.bsky.social' }));
    fireEvent.change(screen.getByLabelText('Text'), { target: { value: 'Launch day' } });
    await user.click(screen.getByRole('radio', { name: 'At a date and time' }));
    fireEvent.change(screen.getByLabelText(/Date and time/), { target: { value: '2027-03-28T02:30' } });
    const zone = screen.getByRole('textbox', { name: 'Time zone' });
    await user.clear(zone);
    await user.type(zone, 'Europe/Par');
    await user.click(await screen.findByRole('option', { name: 'Europe/Paris' }));
    await user.click(screen.getByRole('button', { name: 'Schedule' }));
    const dialog = await screen.findByRole('dialog');
    expect(dialog).toHaveTextContent('published as @acme.bsky.social, @press.bsky.social at 2027-03-28 02:30 (Europe/Paris)');
    await user.click(within(dialog).getByRole('button', { name: 'Schedule' }));
    expect(await screen.findByRole('status')).toHaveTextContent('scheduled for 2027-03-28T03:30:00+02:00');
    expect(mock.sent('POST', '/api/v1/orgs/7/posts')[0].body).toMatchObject({
      targets: [{ profile_id: 1 }, { profile_id: 2 }],
      when: { mode: 'schedule', local_time: '2027-03-28T02:30', time_zone: 'Europe/Paris' },
      confirm_profiles: [1],
    });
  });

  it('sends a profile its own text, counted on its own, with its error on its field', async () => {
    const user = userEvent.setup();
    const mock = renderCompose([profile(1, 'acme.bsky.social', 'publisher'), profile(2, 'press.bsky.social', 'publisher')], {
      'POST /api/v1/orgs/7/posts': [
        apiError(422, 'invalid_request', 'the post is not valid', [{ field: 'targets[1].text', message: 'is empty' }]),
        { status: 201, body: post(45, 'draft') },
      ],
    });
    await user.click(await screen.findByRole('checkbox', { name: '@acme.bsky.social' }));
    await user.click(screen.getByRole('checkbox', { name: '@press.bsky.social' }));
    fireEvent.change(screen.getByLabelText('Text'), { target: { value: 'Hello all' } });
    await user.click(screen.getByRole('switch', { name: 'Different text per profile' }));
    const press = screen.getByLabelText('Text for @press.bsky.social');
    expect(press).toHaveValue('Hello all');
    fireEvent.change(press, { target: { value: 'x'.repeat(301) } });
    expect(screen.getByLabelText('Characters used for @press.bsky.social')).toHaveTextContent('301 / 300');
    expect(screen.getByRole('button', { name: 'Save draft' })).toBeDisabled();
    fireEvent.change(press, { target: { value: 'Hello press' } });
    await user.click(screen.getByRole('button', { name: 'Save draft' }));
    expect(await screen.findByText('is empty', { selector: '.mantine-InputWrapper-error' })).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Save draft' }));
    await screen.findByRole('status');
    expect(mock.sent('POST', '/api/v1/orgs/7/posts')[1].body).toMatchObject({
      text: 'Hello all',
      targets: [{ profile_id: 1 }, { profile_id: 2, text: 'Hello press' }],
    });
  });

  it('shows the API\'s validation errors next to their fields', async () => {
    const user = userEvent.setup();
    renderCompose([profile(1, 'acme.bsky.social', 'publisher')], {
      'POST /api/v1/orgs/7/posts': apiError(422, 'invalid_request', 'the post is not valid', [
        { field: 'text', message: 'has 3,100 bytes: Bluesky allows 3,000' },
        { field: 'langs', message: '"english" is not a BCP 47 tag' },
      ]),
    });
    fireEvent.change(await screen.findByLabelText('Text'), { target: { value: 'long' } });
    await user.click(screen.getByRole('button', { name: 'Save draft' }));
    expect(await screen.findByText('has 3,100 bytes: Bluesky allows 3,000', { selector: '.mantine-InputWrapper-error' })).toBeInTheDocument();
    expect(screen.getByText('"english" is not a BCP 47 tag', { selector: '.mantine-InputWrapper-error' })).toBeInTheDocument();
    expect(screen.getByRole('alert')).toHaveTextContent('Some values need fixing');
  });

  it('warns of a duplicate and posts it anyway when asked', async () => {
    const user = userEvent.setup();
    const mock = renderCompose([profile(1, 'acme.bsky.social', 'publisher')], {
      'POST /api/v1/orgs/7/posts': [
        apiError(409, 'duplicate_post', 'the same text goes to the same profile within 24 hours', [
          { field: 'targets[0]', message: '@acme.bsky.social: post 12 (scheduled, 2026-12-04T10:00:00Z)' },
        ]),
        { status: 201, body: post(43, 'scheduled') },
      ],
    });
    fireEvent.change(await screen.findByLabelText('Text'), { target: { value: 'Same again' } });
    await user.click(screen.getByRole('button', { name: 'Publish now' }));
    await user.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Publish now' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('This looks like a duplicate');
    expect(alert).toHaveTextContent('post 12 (scheduled');
    await user.click(within(alert).getByRole('button', { name: 'Post it anyway' }));
    await screen.findByRole('status');
    const sent = mock.sent('POST', '/api/v1/orgs/7/posts');
    expect(sent[1].body).toMatchObject({ when: { mode: 'now' }, allow_duplicate: true });
  });

  it('attaches an image as base64 with its alt text, which it requires', async () => {
    const user = userEvent.setup();
    const mock = renderCompose([profile(1, 'acme.bsky.social', 'publisher')], {
      'POST /api/v1/orgs/7/posts': { status: 201, body: post(44, 'draft') },
    });
    await screen.findByLabelText('Text');
    const png = new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], 'logo.png', { type: 'image/png' });
    await user.upload(screen.getByLabelText(/^Images/), png);
    const alt = await screen.findByLabelText(/Alt text for logo.png/);
    fireEvent.change(screen.getByLabelText('Text'), { target: { value: 'With a picture' } });
    expect(screen.getByRole('button', { name: 'Publish now' })).toBeDisabled();
    await user.type(alt, 'The Acme logo');
    expect(screen.getByRole('button', { name: 'Publish now' })).toBeEnabled();
    await user.click(screen.getByRole('button', { name: 'Save draft' }));
    expect(await screen.findByRole('status')).toHaveTextContent('Draft 44 saved.');
    await waitFor(() => expect(mock.sent('POST', '/api/v1/orgs/7/posts')).toHaveLength(1));
    expect(mock.sent('POST', '/api/v1/orgs/7/posts')[0].body).toMatchObject({
      when: { mode: 'draft' },
      images: [{ data: 'iVBORw==', alt: 'The Acme logo' }],
    });
  });

  it('refuses a file that is not an image Bluesky takes', async () => {
    const user = userEvent.setup({ applyAccept: false });
    renderCompose([profile(1, 'acme.bsky.social', 'publisher')]);
    await screen.findByLabelText('Text');
    await user.upload(screen.getByLabelText(/^Images/), new File(['GIF89a'], 'anim.gif', { type: 'image/gif' }));
    expect(await screen.findByText('anim.gif: only PNG, JPEG or WebP images.')).toBeInTheDocument();
    expect(screen.queryByLabelText(/Alt text for anim.gif/)).toBeNull();
  });
});

describe('ComposePage, editing a post', () => {
  const rejected = post(42, 'rejected', {
    text: 'Launch at ten',
    langs: ['en'],
    targets: [{ profile_id: 1, handle: 'acme.test', state: 'rejected', last_error: '', text: null }],
  });

  it('fills the composer with a rejected post and saves the rewrite as a draft with PATCH', async () => {
    const user = userEvent.setup();
    const mock = renderCompose([profile(1, 'acme.test', 'limited'), profile(2, 'other.test', 'limited')], {
      '/api/v1/orgs/7/posts/42': { status: 200, body: rejected },
      'PATCH /api/v1/orgs/7/posts/42': { status: 200, body: post(42, 'draft', { text: 'Launch at eleven' }) },
    }, '/orgs/7/compose?edit=42');
    const text = await screen.findByRole('textbox', { name: 'Text' });
    expect(text).toHaveValue('Launch at ten');
    expect(screen.getByText('Editing post 42, rejected: saving makes it a draft again.')).toBeInTheDocument();
    expect(screen.getByRole('checkbox', { name: '@acme.test' })).toBeChecked();
    expect(screen.getByRole('checkbox', { name: '@other.test' })).not.toBeChecked();
    // Only saving: submitting or scheduling is done from the posts.
    expect(screen.queryByRole('button', { name: /Submit for approval|Publish now|Schedule/ })).toBeNull();
    await user.clear(text);
    await user.type(text, 'Launch at eleven');
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    expect(await screen.findByRole('status')).toHaveTextContent('Draft 42 saved.');
    expect(mock.sent('PATCH', '/api/v1/orgs/7/posts/42')[0].body).toEqual({
      text: 'Launch at eleven', targets: [{ profile_id: 1 }], when: { mode: 'draft' }, langs: ['en'],
    });
    expect(mock.sent('POST', '/api/v1/orgs/7/posts')).toHaveLength(0);
  });

  it('shows the server\'s refusal (not the author: 403) and keeps the text', async () => {
    const user = userEvent.setup();
    renderCompose([profile(1, 'acme.test', 'limited')], {
      '/api/v1/orgs/7/posts/42': { status: 200, body: rejected },
      'PATCH /api/v1/orgs/7/posts/42': apiError(403, 'forbidden', 'only the author edits a post'),
    }, '/orgs/7/compose?edit=42');
    const text = await screen.findByRole('textbox', { name: 'Text' });
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('only the author edits a post');
    expect(text).toHaveValue('Launch at ten');
  });

  it('says why a published post cannot be edited', async () => {
    renderCompose([profile(1, 'acme.test', 'limited')], {
      '/api/v1/orgs/7/posts/42': { status: 200, body: post(42, 'published') },
    }, '/orgs/7/compose?edit=42');
    expect(await screen.findByRole('note')).toHaveTextContent('only a draft, or a rejected or expired post, can be edited');
    expect(screen.queryByRole('textbox', { name: 'Text' })).toBeNull();
  });

  it('shows a post it cannot read as not found', async () => {
    renderCompose([profile(1, 'acme.test', 'limited')], {
      '/api/v1/orgs/7/posts/43': apiError(404, 'not_found', 'no such post'),
    }, '/orgs/7/compose?edit=43');
    expect(await screen.findByRole('alert')).toHaveTextContent('no such post');
  });
});
