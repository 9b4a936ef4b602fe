// Leaving the single-page app for another site (an OAuth authorization server): one place,
// so that tests can watch it instead of navigating jsdom away.
export const browser = {
  go(url: string) {
    window.location.assign(url);
  },
};
