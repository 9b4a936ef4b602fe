// The viewer's own IANA zone, the default of every schedule picker, and the zones to pick
// from (Intl's list, with the viewer's own first if Intl does not list it).
export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

export function timeZones(): string[] {
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  const own = browserTimeZone();
  return zones.includes(own) ? zones : [own, ...zones];
}
