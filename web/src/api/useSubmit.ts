import { useState, type FormEvent } from 'react';

// A form's submission: busy while `action` runs, and what it threw kept for the form to
// show (ErrorAlert, fieldError). The forms that are not TanStack mutations use it.
export function useSubmit(action: () => Promise<void>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, submit };
}
