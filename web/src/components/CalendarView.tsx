import { Badge, Button, Group, Paper, SimpleGrid, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { stateLabels, type CalendarPost } from '../api/posts';

const dayMs = 24 * 60 * 60 * 1000;
const weekdays = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

function startOfDay(date: Date): Date {
  const day = new Date(date);
  day.setHours(0, 0, 0, 0);
  return day;
}

function mondayOf(date: Date): Date {
  const day = startOfDay(date);
  const offset = (day.getDay() + 6) % 7;
  day.setDate(day.getDate() - offset);
  return day;
}

function dayKey(date: Date): string {
  return `${date.getFullYear()}-${date.getMonth()}-${date.getDate()}`;
}

// The days shown: one week from its Monday, or the weeks that cover a month.
export function calendarDays(anchor: Date, span: 'week' | 'month'): Date[] {
  if (span === 'week') {
    const monday = mondayOf(anchor);
    return Array.from({ length: 7 }, (_, i) => new Date(monday.getFullYear(), monday.getMonth(), monday.getDate() + i));
  }
  const first = new Date(anchor.getFullYear(), anchor.getMonth(), 1);
  const last = new Date(anchor.getFullYear(), anchor.getMonth() + 1, 0);
  const start = mondayOf(first);
  const weeks = Math.ceil(((last.getTime() - start.getTime()) / dayMs + 1) / 7);
  return Array.from({ length: weeks * 7 }, (_, i) => new Date(start.getFullYear(), start.getMonth(), start.getDate() + i));
}

// The posts of the listing laid out by the day of their calendar instant, in the viewer's
// own time zone. A post `canMove` allows can be dragged to another day: `onMove` gets it
// and the day (the caller confirms, keyboard users reschedule from the list).
export function CalendarView({ posts, span, canMove, onMove }: {
  posts: CalendarPost[];
  span: 'week' | 'month';
  canMove?: (post: CalendarPost) => boolean;
  onMove?: (post: CalendarPost, day: Date) => void;
}) {
  const [anchor, setAnchor] = useState(() => new Date());
  const days = calendarDays(anchor, span);
  const byDay = new Map<string, CalendarPost[]>();
  for (const post of posts) {
    const key = dayKey(new Date(post.calendar_at));
    byDay.set(key, [...(byDay.get(key) ?? []), post]);
  }
  const move = (direction: number) => {
    const next = new Date(anchor);
    if (span === 'week') next.setDate(next.getDate() + 7 * direction);
    else next.setMonth(next.getMonth() + direction, 1);
    setAnchor(next);
  };
  const title =
    span === 'week'
      ? `Week of ${days[0].toLocaleDateString(undefined, { day: 'numeric', month: 'long', year: 'numeric' })}`
      : anchor.toLocaleDateString(undefined, { month: 'long', year: 'numeric' });
  return (
    <Stack gap="xs">
      <Group>
        <Button size="xs" variant="default" onClick={() => move(-1)} aria-label={`Previous ${span}`}>
          ‹
        </Button>
        <Text fw={600} aria-live="polite">
          {title}
        </Text>
        <Button size="xs" variant="default" onClick={() => move(1)} aria-label={`Next ${span}`}>
          ›
        </Button>
        <Button size="xs" variant="subtle" onClick={() => setAnchor(new Date())}>
          Today
        </Button>
      </Group>
      <SimpleGrid cols={7} spacing={4} role="grid" aria-label={`Calendar, ${title}`}>
        {weekdays.map((name) => (
          <Text key={name} size="xs" fw={600} ta="center" role="columnheader">
            {name}
          </Text>
        ))}
        {days.map((day) => {
          const list = byDay.get(dayKey(day)) ?? [];
          const outside = span === 'month' && day.getMonth() !== anchor.getMonth();
          return (
            <Paper key={dayKey(day)} withBorder p={4} mih={span === 'week' ? 160 : 90} role="gridcell"
              aria-label={day.toDateString()} opacity={outside ? 0.5 : 1}
              onDragOver={(event) => onMove && event.preventDefault()}
              onDrop={(event) => {
                event.preventDefault();
                const id = Number(event.dataTransfer.getData('text/plain'));
                const post = posts.find((candidate) => candidate.id === id);
                if (post && onMove) onMove(post, day);
              }}>
              <Text size="xs" c="dimmed">
                {day.getDate()}
              </Text>
              {list.map((post) => (
                <Group key={post.id} gap={4} wrap="nowrap" title={post.text} draggable={canMove?.(post) ?? false}
                  style={canMove?.(post) ? { cursor: 'grab' } : undefined}
                  onDragStart={(event) => event.dataTransfer.setData('text/plain', String(post.id))}>
                  <Badge size="xs" color={stateLabels[post.state]?.color ?? 'gray'} variant="dot">
                    {new Date(post.calendar_at).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })}
                  </Badge>
                  <Text size="xs" truncate>
                    {post.text}
                  </Text>
                </Group>
              ))}
            </Paper>
          );
        })}
      </SimpleGrid>
    </Stack>
  );
}
