import { createTheme } from '@mantine/core';

export const theme = createTheme({
  primaryColor: 'teal',
  defaultRadius: 'sm',
  // A visible focus ring for keyboard users, never for mouse clicks.
  focusRing: 'auto',
});
